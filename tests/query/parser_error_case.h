// The shape of the parser error tests: a bad query and the error Prometheus
// 2.42 reports for it, checked by ParseExpr. Included once per test binary,
// which instantiates ErrorTest with its own cases.
#ifndef TESTS_QUERY_PARSER_ERROR_CASE_H_
#define TESTS_QUERY_PARSER_ERROR_CASE_H_

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "query/parser.h"
#include "tests/testutil/status_matchers.h"

namespace query::testing {

struct Case {
  const char* query;
  const char* error;
};

class ErrorTest : public ::testing::TestWithParam<Case> {};

TEST_P(ErrorTest, FailsAsPrometheus) {
  EXPECT_THAT(ParseExpr(GetParam().query),
              ::tsdb::testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                        GetParam().error));
}

}  // namespace query::testing

#endif  // TESTS_QUERY_PARSER_ERROR_CASE_H_
