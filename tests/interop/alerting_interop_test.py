#!/usr/bin/env python3
"""tsdbd's rule evaluation and Alertmanager client against a real
Alertmanager 0.25, end to end from the seed's alert rules.

  alerting_interop_test.py --tsdbd build/bin/tsdbd [Test]

The server scrapes two targets of one job that answer 503 (so `up` is 0) and
evaluates tests/fixtures/seed/alert-rules.yml; its ServiceDown alerts go to
a local Alertmanager running tests/fixtures/alertmanager-local.yml (the
seed's routing with local webhooks), whose notifications this script
collects per receiver.

--server=prometheus runs Prometheus 2.42 on the same configuration in place
of tsdbd, to check the expectations themselves against the reference.

Exit code 77 when a peer is not installed (ctest counts it as skipped).
"""

import argparse
import json
import os
import signal
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402
from peers import http, query_api, wait_until  # noqa: E402
from scrape_interop_test import Target, parse_time, reply  # noqa: E402

SERVER = 'tsdbd'  # or 'prometheus'; set by main()

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..',
                        'fixtures')
SEED_RULES = os.path.abspath(os.path.join(FIXTURES, 'seed',
                                          'alert-rules.yml'))
ALERTMANAGER_CONFIG = os.path.join(FIXTURES, 'alertmanager-local.yml')

JOB = 'seed-services'
GO_ZERO_TIME = '0001-01-01T00:00:00Z'


class WebhookCollector:
    """Receives Alertmanager's webhook POSTs on a free port of 127.0.0.1 and
    keeps each as (arrival time, path, JSON document)."""

    def __init__(self):
        received = self.received = []
        lock = self.lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get('Content-Length', 0))
                doc = json.loads(self.rfile.read(length))
                with lock:
                    received.append((time.time(), self.path, doc))
                reply(self, 200, b'ok\n', 'text/plain')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever,
                         daemon=True).start()

    def notifications(self, receiver=None):
        """[(time, document)] in arrival order, for `receiver` or all."""
        with self.lock:
            return [(t, doc) for t, path, doc in self.received
                    if receiver is None or path == '/webhook/' + receiver]

    def paths(self):
        with self.lock:
            return sorted({path for _, path, _ in self.received})

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class FlippingTarget:
    """A scrape target that answers 503 until made healthy."""

    def __init__(self, test):
        self.healthy = False
        self.target = test.serve(self.handle)
        self.address = self.target.address

    def handle(self, handler):
        if handler.path != '/metrics':
            reply(handler, 404, b'not found\n')
        elif not self.healthy:
            reply(handler, 503, b'starting\n')
        else:
            reply(handler, 200, b'seed_interop_ready 1\n')


class AlertingTest(peers.PeerTest):
    """Two down targets, Alertmanager on the local seed configuration, a
    webhook collector, and the server under test evaluating the seed rules.
    """

    RESEND_DELAY = '2s'

    def setUp(self):
        super().setUp()
        self.am_binary = peers.require('prometheus-alertmanager')
        self.servers_to_stop = []
        self.webhook = WebhookCollector()
        self.servers_to_stop.append(self.webhook)
        self.targets = [FlippingTarget(self), FlippingTarget(self)]
        self.instances = sorted(t.address for t in self.targets)
        self.am_port = peers.free_port()
        self.am_starts = 0
        self.am = self.start_alertmanager()
        self.base = self.start_server()

    def tearDown(self):
        for s in self.servers_to_stop:
            s.stop()
        super().tearDown()

    def serve(self, handle):
        target = Target(handle)
        self.servers_to_stop.append(target)
        return target

    @property
    def am_base(self):
        return 'http://127.0.0.1:%d' % self.am_port

    def start_alertmanager(self):
        """Alertmanager on self.am_port with the local seed configuration;
        a restart keeps the port and the storage directory."""
        with open(ALERTMANAGER_CONFIG) as f:
            config = f.read().replace('{{webhook_port}}',
                                      str(self.webhook.port))
        path = self.write_file('alertmanager.yml', config)
        self.am_starts += 1
        return self.start('alertmanager-%d' % self.am_starts, [
            self.am_binary, '--config.file=' + path,
            '--storage.path=' + os.path.join(self.workdir, 'am-data'),
            '--web.listen-address=127.0.0.1:%d' % self.am_port,
            '--cluster.listen-address='], self.am_base + '/-/ready')

    def server_config(self):
        return '\n'.join([
            'global:',
            '  scrape_interval: 1s',
            '  scrape_timeout: 1s',
            '  evaluation_interval: 1s',
            'rule_files:',
            '  - %s' % json.dumps(SEED_RULES),
            'alerting:',
            '  alertmanagers:',
            '    - api_version: v2',
            '      timeout: 3s',
            '      static_configs:',
            '        - targets: ["127.0.0.1:%d"]' % self.am_port,
            'scrape_configs:',
            '  - job_name: %s' % JOB,
            '    static_configs:',
            '      - targets: %s' % json.dumps(self.instances),
            ''])

    def start_server(self):
        """The server under test on server_config(); its base URL."""
        flags = ('--rules.alert.resend-delay=' + self.RESEND_DELAY,)
        if SERVER == 'prometheus':
            return self.start_prometheus(self.server_config(), *flags)
        path = self.write_file('prometheus.yml', self.server_config())
        return self.start_tsdbd('--config.file=' + path, *flags)

    # ---- the server's view ------------------------------------------------

    def service_down_alerts(self):
        """The server's ServiceDown alerts from /api/v1/alerts, by instance.
        """
        data = query_api(self.base, '/api/v1/alerts')
        return {a['labels']['instance']: a for a in data['alerts']
                if a['labels'].get('alertname') == 'ServiceDown'}

    def wait_alerts(self, state, timeout):
        """Waits until both instances' ServiceDown alerts are in `state`."""
        def both():
            alerts = self.service_down_alerts()
            if (sorted(alerts) == self.instances and
                    all(a['state'] == state for a in alerts.values())):
                return alerts
            return None
        return wait_until(both, timeout, 'two %s ServiceDown alerts at %s' %
                          (state, self.base))

    def check_alert(self, alert, instance):
        """The labels and rendered annotations the seed rule gives."""
        self.assertEqual(alert['labels'], {
            'alertname': 'ServiceDown', 'severity': 'critical',
            'category': 'system', 'job': JOB, 'instance': instance})
        self.assertEqual(alert['annotations'], {
            'summary': 'Service %s is down' % JOB,
            'description': 'Service %s on %s has been down for more than 1 '
                           'minute.' % (JOB, instance)})

    def rule_group(self, name):
        data = query_api(self.base, '/api/v1/rules')
        for group in data['groups']:
            if group['name'] == name:
                return group
        raise KeyError('no rule group %s' % name)

    # ---- Alertmanager's view ----------------------------------------------

    def am_alerts(self):
        """Alertmanager's ServiceDown alerts from /api/v2/alerts, by
        instance."""
        status, _, body = http('GET', self.am_base + '/api/v2/alerts',
                               timeout=3)
        if status != 200:
            raise ValueError('alertmanager answered %d' % status)
        return {a['labels']['instance']: a for a in json.loads(body)
                if a['labels'].get('alertname') == 'ServiceDown'}

    def wait_notification(self, status, after, timeout):
        """The first critical-alerts notification received after `after`
        with `status` that holds both instances' alerts."""
        def found():
            for t, doc in self.webhook.notifications('critical-alerts'):
                instances = sorted(a['labels']['instance']
                                   for a in doc['alerts'])
                if (t > after and doc['status'] == status and
                        instances == self.instances):
                    return t, doc
            return None
        return wait_until(found, timeout,
                          'a %s notification of both instances' % status)


class SeedAlertFiresAndResolves(AlertingTest):
    """ServiceDown is pending for its minute, fires, reaches the
    critical-alerts webhook as one group of two, and resolves there once the
    targets answer."""

    def test_fires_groups_and_resolves(self):
        pending = self.wait_alerts('pending', timeout=20)
        for instance, alert in pending.items():
            self.check_alert(alert, instance)
            self.assertEqual(alert['value'], '0e+00')
        active_at = min(parse_time(a['activeAt']) for a in pending.values())
        self.assertEqual(self.webhook.notifications(), [],
                         'notified while pending')

        firing = self.wait_alerts('firing', timeout=75)
        for instance, alert in firing.items():
            self.check_alert(alert, instance)
            self.assertEqual(parse_time(alert['activeAt']),
                             parse_time(pending[instance]['activeAt']))
        group = self.rule_group('system-alerts')
        rule = next(r for r in group['rules'] if r['name'] == 'ServiceDown')
        self.assertEqual((rule['type'], rule['state'], rule['health']),
                         ('alerting', 'firing', 'ok'))
        self.assertEqual(len(rule['alerts']), 2)

        # group_wait is 0s; an alert that fires one evaluation after the
        # other comes group_interval (10s) later in the group's next
        # notification, which lists both.
        t, doc = self.wait_notification('firing', 0, timeout=20)
        first_time = self.webhook.notifications('critical-alerts')[0][0]
        self.assertGreaterEqual(first_time, active_at + 60 - 0.5,
                                'notified before `for: 1m` elapsed')
        self.assertEqual(doc['receiver'], 'critical-alerts')
        self.assertEqual(doc['groupLabels'], {'alertname': 'ServiceDown'})
        self.assertEqual(doc['commonLabels'], {
            'alertname': 'ServiceDown', 'severity': 'critical',
            'category': 'system', 'job': JOB})
        self.assertEqual(doc['commonAnnotations'],
                         {'summary': 'Service %s is down' % JOB})
        for alert in doc['alerts']:
            self.assertEqual(alert['status'], 'firing')
            self.check_alert(alert, alert['labels']['instance'])
            self.assertEqual(alert['endsAt'], GO_ZERO_TIME)
            self.assertGreaterEqual(parse_time(alert['startsAt']),
                                    active_at + 60 - 0.5)
            generator = urllib.parse.urlsplit(alert['generatorURL'])
            self.assertEqual(
                urllib.parse.parse_qs(generator.query).get('g0.expr'),
                ['up == 0'], alert['generatorURL'])
        # Routed by severity alone: no other receiver heard of it.
        self.assertEqual(self.webhook.paths(), ['/webhook/critical-alerts'])

        healthy_at = time.time()
        for target in self.targets:
            target.healthy = True
        t, doc = self.wait_notification('resolved', healthy_at, timeout=30)
        self.assertEqual(doc['groupLabels'], {'alertname': 'ServiceDown'})
        for alert in doc['alerts']:
            self.assertEqual(alert['status'], 'resolved')
            self.check_alert(alert, alert['labels']['instance'])
            ends_at = parse_time(alert['endsAt'])
            self.assertGreaterEqual(ends_at, healthy_at - 0.5)
            self.assertLessEqual(ends_at, t)
        wait_until(lambda: self.service_down_alerts() == {}, 10,
                   'no ServiceDown alert left at the server')
        self.assertEqual(self.webhook.paths(), ['/webhook/critical-alerts'])


class QueueAndResend(AlertingTest):
    """A firing alert survives an Alertmanager that hangs and then restarts
    empty: evaluation goes on meanwhile, and the resend interval brings the
    alert back into the new Alertmanager with its original start."""

    def test_resent_after_alertmanager_restart(self):
        before = wait_until(
            lambda: (sorted(self.am_alerts()) == self.instances and
                     self.am_alerts()), 90,
            'both ServiceDown alerts at Alertmanager')
        self.wait_notification('firing', 0, timeout=20)

        # A hung Alertmanager (connections accepted, never answered) must
        # not hold up rule evaluation.
        self.am.proc.send_signal(signal.SIGSTOP)
        last = parse_time(self.rule_group('system-alerts')['lastEvaluation'])
        wait_until(lambda: parse_time(self.rule_group('system-alerts')
                                      ['lastEvaluation']) > last + 3, 10,
                   'rule evaluation going on while Alertmanager hangs')
        self.assertEqual(sorted(self.wait_alerts('firing', 1)),
                         self.instances)

        # Killed without a chance to save anything; restarted empty.
        self.am.proc.kill()
        self.am.stop()
        restarted_at = time.time()
        self.am = self.start_alertmanager()
        after = wait_until(
            lambda: (sorted(self.am_alerts()) == self.instances and
                     self.am_alerts()), 20,
            'both ServiceDown alerts back at the restarted Alertmanager')
        for instance, alert in after.items():
            self.assertEqual(alert['status']['state'], 'active')
            self.assertEqual(alert['labels'], before[instance]['labels'])
            self.assertEqual(alert['annotations'],
                             before[instance]['annotations'])
            self.assertEqual(parse_time(alert['startsAt']),
                             parse_time(before[instance]['startsAt']))
            self.assertGreater(parse_time(alert['endsAt']), time.time())
        # Its notification log lost, the new Alertmanager notifies again.
        self.wait_notification('firing', restarted_at, timeout=20)


class EvaluationSlots(peers.PeerTest):
    """Prometheus 2.42 and tsdbd, given the same rule file (same path),
    evaluate each group at the same millisecond within its interval: the
    offset comes from a hash of the group's file and name."""

    INTERVALS = {'slot_a': 2000, 'slot_b': 3000}

    def recorded_times(self, base, metric):
        """The timestamps (ms) of `metric`'s samples over the last minute,
        once there are three."""
        def times():
            data = query_api(base, '/api/v1/query', query='%s[1m]' % metric)
            found = [round(float(t) * 1000) for r in data['result']
                     for t, _ in r['values']]
            return found if len(found) >= 3 else None
        return wait_until(times, timeout=30, what='3 evaluations of %s at %s'
                          % (metric, base))

    def test_same_slots_as_prometheus(self):
        rules = self.write_file('slots.yml', '\n'.join(
            ['groups:'] +
            ['  - name: %s\n    interval: %dms\n    rules:\n'
             '      - record: %s\n        expr: vector(1)'
             % (name, ms, name) for name, ms in self.INTERVALS.items()]) +
            '\n')
        config = 'rule_files: [%s]\n' % json.dumps(rules)
        prometheus = self.start_prometheus(config)
        tsdbd = self.start_tsdbd(
            '--config.file=' + self.write_file('tsdbd.yml', config))
        for name, interval in self.INTERVALS.items():
            slots = {}
            for server, base in (('prometheus', prometheus),
                                 ('tsdbd', tsdbd)):
                slots[server] = {t % interval
                                 for t in self.recorded_times(base, name)}
            self.assertEqual(len(slots['prometheus']), 1, slots)
            self.assertEqual(slots['tsdbd'], slots['prometheus'], name)


def main():
    global SERVER
    parser = argparse.ArgumentParser()
    parser.add_argument('--tsdbd')
    parser.add_argument('--server', choices=['tsdbd', 'prometheus'],
                        default='tsdbd', help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    SERVER = args.server
    if SERVER == 'tsdbd':
        if not args.tsdbd:
            parser.error('--tsdbd is required')
        peers.PeerTest.tsdbd_binary = os.path.abspath(args.tsdbd)
    peers.run_tests(rest)


if __name__ == '__main__':
    main()
