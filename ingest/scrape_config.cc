#include "ingest/scrape_config.h"

#include <algorithm>
#include <functional>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "ingest/http_client_config.h"
#include "ingest/yaml_util.h"
#include "tsdb/absl_compat.h"
#include "tsdb/labels.h"
#include "tsdb/status_macros.h"

namespace tsdb {
namespace {

using yaml_internal::BoolField;
using yaml_internal::DecodeFields;
using yaml_internal::DecodeLabelMap;
using yaml_internal::DecodeString;
using yaml_internal::DecodeStringList;
using yaml_internal::DecodeUint;
using yaml_internal::DurationField;
using yaml_internal::Field;
using yaml_internal::NodeError;
using yaml_internal::StringField;
using yaml_internal::UintField;
using yaml_internal::YamlSource;

absl::Status DecodeLabelNames(const YamlSource& src, const YAML::Node& node,
                              std::vector<std::string>* out) {
  RETURN_IF_ERROR(DecodeStringList(src, node, out));
  for (size_t i = 0; i < out->size(); ++i) {
    if (!IsValidLabelName((*out)[i])) {
      return NodeError(
          src, node[i],
          absl::StrCat("\"", (*out)[i], "\" is not a valid label name"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<RelabelRule> DecodeRelabelRule(const YamlSource& src,
                                              const YAML::Node& node) {
  RelabelConfig config;
  std::string action = "replace";
  RETURN_IF_ERROR(
      DecodeFields(src, node, "relabel.plain",
                   {{"source_labels",
                     [&](const YAML::Node& n) {
                       return DecodeLabelNames(src, n, &config.source_labels);
                     }},
                    StringField("separator", src, &config.separator),
                    StringField("regex", src, &config.regex),
                    {"modulus",
                     [&](const YAML::Node& n) {
                       return DecodeUint(src, n, "uint64", &config.modulus);
                     }},
                    StringField("target_label", src, &config.target_label),
                    StringField("replacement", src, &config.replacement),
                    StringField("action", src, &action)}));
  absl::StatusOr<RelabelAction> parsed = ParseRelabelAction(action);
  if (!parsed.ok()) return NodeError(src, node, parsed.status());
  config.action = *parsed;
  absl::StatusOr<RelabelRule> rule = CompileRelabelConfig(config);
  if (!rule.ok()) return NodeError(src, node, rule.status());
  return rule;
}

absl::StatusOr<std::vector<RelabelRule>> DecodeRelabelList(
    const YamlSource& src, const YAML::Node& list, std::string_view what) {
  std::vector<RelabelRule> rules;
  if (list.IsNull()) return rules;
  if (!list.IsSequence()) {
    return yaml_internal::CannotUnmarshal(src, list, "[]*relabel.Config");
  }
  for (const YAML::Node& item : list) {
    if (item.IsNull()) {
      return NodeError(src, item,
                       absl::StrCat("empty or null ", AbslView(what),
                                    " relabeling rule in scrape config"));
    }
    ASSIGN_OR_RETURN(RelabelRule rule, DecodeRelabelRule(src, item));
    rules.push_back(std::move(rule));
  }
  return rules;
}

absl::Status DecodeFileSdConfigs(const YamlSource& src, const YAML::Node& node,
                                 std::vector<FileSdConfig>* out) {
  return yaml_internal::DecodeSequence(
      src, node, "[]*file.SDConfig", [&](const YAML::Node& item) {
        FileSdConfig config;
        RETURN_IF_ERROR(
            DecodeFields(src, item, "file.plain",
                         {{"files",
                           [&](const YAML::Node& n) {
                             return DecodeStringList(src, n, &config.files);
                           }},
                          DurationField("refresh_interval", src,
                                        &config.refresh_interval_ms)}));
        if (config.files.empty()) {
          return NodeError(
              src, item,
              "file service discovery config must contain at least "
              "one path name");
        }
        for (const std::string& pattern : config.files) {
          const absl::Status valid = ValidateFileSdPattern(pattern);
          if (!valid.ok()) return NodeError(src, item, valid);
        }
        out->push_back(std::move(config));
        return absl::OkStatus();
      });
}

absl::Status DecodeParams(
    const YamlSource& src, const YAML::Node& node,
    std::vector<std::pair<std::string, std::vector<std::string>>>* out) {
  if (node.IsNull()) return absl::OkStatus();
  if (!node.IsMap()) {
    return yaml_internal::CannotUnmarshal(src, node, "url.Values");
  }
  for (const auto& entry : node) {
    std::string name;
    std::vector<std::string> values;
    RETURN_IF_ERROR(DecodeString(src, entry.first, &name));
    RETURN_IF_ERROR(DecodeStringList(src, entry.second, &values));
    out->emplace_back(std::move(name), std::move(values));
  }
  return absl::OkStatus();
}

Field RelabelField(std::string_view name, std::string_view what,
                   const YamlSource& src, std::vector<RelabelRule>* out) {
  return {name, [&src, what, out](const YAML::Node& n) -> absl::Status {
            ASSIGN_OR_RETURN(*out, DecodeRelabelList(src, n, what));
            return absl::OkStatus();
          }};
}

std::vector<Field> JobFields(const YamlSource& src, ScrapeConfig* job) {
  return {
      StringField("job_name", src, &job->job_name),
      DurationField("scrape_interval", src, &job->scrape_interval_ms),
      DurationField("scrape_timeout", src, &job->scrape_timeout_ms),
      StringField("metrics_path", src, &job->metrics_path),
      StringField("scheme", src, &job->scheme),
      {"params",
       [&src, job](const YAML::Node& n) {
         return DecodeParams(src, n, &job->params);
       }},
      BoolField("honor_labels", src, &job->honor_labels),
      BoolField("honor_timestamps", src, &job->honor_timestamps),
      UintField("sample_limit", src, &job->sample_limit),
      UintField("target_limit", src, &job->target_limit),
      UintField("label_limit", src, &job->label_limit),
      UintField("label_name_length_limit", src, &job->label_name_length_limit),
      UintField("label_value_length_limit", src,
                &job->label_value_length_limit),
      {"body_size_limit",
       [&src, job](const YAML::Node& n) {
         std::string text;
         RETURN_IF_ERROR(DecodeString(src, n, &text));
         if (text.empty()) return absl::OkStatus();
         absl::StatusOr<int64_t> bytes = yaml_internal::ParseBase2Bytes(text);
         if (!bytes.ok()) return NodeError(src, n, bytes.status());
         job->body_size_limit_bytes = *bytes;
         return absl::OkStatus();
       }},
      {"static_configs",
       [&src, job](const YAML::Node& n) {
         return yaml_internal::DecodeStaticConfigs(src, n,
                                                   &job->static_configs);
       }},
      {"file_sd_configs",
       [&src, job](const YAML::Node& n) {
         return DecodeFileSdConfigs(src, n, &job->file_sd_configs);
       }},
      RelabelField("relabel_configs", "target", src, &job->relabel_configs),
      RelabelField("metric_relabel_configs", "metric", src,
                   &job->metric_relabel_configs)};
}

// Prometheus's checkStaticTargets: a '/' in an address means a URL was put
// where host:port belongs. Only checked without relabel_configs.
absl::Status CheckStaticTargets(const ScrapeConfig& job) {
  if (!job.relabel_configs.empty()) return absl::OkStatus();
  for (const TargetGroup& group : job.static_configs) {
    for (const std::string& target : group.targets) {
      if (target.find('/') != std::string::npos) {
        return absl::InvalidArgumentError(
            absl::StrCat("\"", target, "\" is not a valid hostname"));
      }
    }
  }
  return absl::OkStatus();
}

// Interval and timeout from the job or the defaults (config.go's
// Config.UnmarshalYAML).
absl::Status ApplyDefaults(const GlobalScrapeDefaults& defaults,
                           ScrapeConfig* job) {
  if (job->scrape_interval_ms == 0) {
    job->scrape_interval_ms = defaults.scrape_interval_ms;
  }
  if (job->scrape_timeout_ms > job->scrape_interval_ms) {
    return absl::InvalidArgumentError(absl::StrCat(
        "scrape timeout greater than scrape interval for scrape config with "
        "job name \"",
        job->job_name, "\""));
  }
  if (job->scrape_timeout_ms == 0) {
    job->scrape_timeout_ms =
        std::min(defaults.scrape_timeout_ms, job->scrape_interval_ms);
  }
  return absl::OkStatus();
}

// Decodes and validates one job. On success, *skip_reason is non-empty when
// the job uses something this server does not run.
absl::StatusOr<ScrapeConfig> DecodeJob(const YamlSource& src,
                                       const YAML::Node& node,
                                       const GlobalScrapeDefaults& defaults,
                                       std::string* skip_reason) {
  if (node.IsNull())
    return NodeError(src, node, "empty or null scrape config section");
  ScrapeConfig job;
  std::vector<Field> fields = JobFields(src, &job);
  std::string unsupported;  // the first field this server does not apply
  yaml_internal::HttpClientConfigDecoder http_client(src, &job.http_client,
                                                     &unsupported);
  http_client.AddFields(&fields);
  yaml_internal::AddUnsupportedSdFields(/*include_file_sd=*/false, &unsupported,
                                        &fields);
  RETURN_IF_ERROR(DecodeFields(src, node, "config.ScrapeConfig", fields));
  absl::Status status;
  if (job.job_name.empty()) {
    status = absl::InvalidArgumentError("job_name is empty");
  }
  if (status.ok()) status = http_client.Validate();
  if (status.ok()) status = CheckStaticTargets(job);
  if (status.ok()) status = ApplyDefaults(defaults, &job);
  if (!status.ok()) return NodeError(src, node, status);
  if (!unsupported.empty()) {
    *skip_reason = absl::StrCat(unsupported, " is not supported");
  }
  return job;
}

}  // namespace

absl::StatusOr<std::vector<RelabelRule>> ParseRelabelConfigs(
    const YAML::Node& list, std::string_view what, std::string_view file_name) {
  const YamlSource src{file_name};
  try {
    return DecodeRelabelList(src, list, what);
  } catch (const YAML::Exception& e) {
    return yaml_internal::ExceptionError(src, e);
  }
}

absl::StatusOr<std::vector<ScrapeConfig>> ParseScrapeConfigs(
    const YAML::Node& scrape_configs, const GlobalScrapeDefaults& defaults,
    std::string_view file_name, std::vector<std::string>* warnings) {
  const YamlSource src{file_name};
  std::vector<ScrapeConfig> jobs;
  try {
    if (!scrape_configs.IsDefined() || scrape_configs.IsNull()) return jobs;
    if (!scrape_configs.IsSequence()) {
      return NodeError(
          src, scrape_configs,
          absl::StrCat("cannot unmarshal ",
                       AbslView(yaml_internal::KindName(scrape_configs)),
                       " into []*config.ScrapeConfig"));
    }
    std::set<std::string> names;
    for (const YAML::Node& node : scrape_configs) {
      std::string skip_reason;
      ASSIGN_OR_RETURN(ScrapeConfig job,
                       DecodeJob(src, node, defaults, &skip_reason));
      if (!names.insert(job.job_name).second) {
        return NodeError(src, node,
                         absl::StrCat("found multiple scrape configs with job "
                                      "name \"",
                                      job.job_name, "\""));
      }
      if (!skip_reason.empty()) {
        warnings->push_back(absl::StrCat(
            AbslView(file_name), ":", node.Mark().line + 1, ": scrape job \"",
            job.job_name, "\" skipped: ", skip_reason));
        continue;
      }
      jobs.push_back(std::move(job));
    }
  } catch (const YAML::Exception& e) {
    return yaml_internal::ExceptionError(src, e);
  }
  return jobs;
}

}  // namespace tsdb
