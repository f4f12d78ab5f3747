import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Metrics } from '../server/shell/metrics.ts';

test('renders counters, gauges and histograms in Prometheus text format', () => {
  const m = new Metrics();
  const rej = m.counter('jcr_avl_rejections_total', 'AVL reports rejected, by code');
  rej.inc({ code: 'JCR_AVL_DUPLICATE' });
  rej.inc({ code: 'JCR_AVL_DUPLICATE' });
  rej.inc({ code: 'JCR_AVL_NULL_ISLAND' }, 3);
  m.gauge('jcr_cop_clients', 'Connected COP clients', () => 7);
  const h = m.histogram('jcr_recommend_seconds', 'Recommendation latency', [0.005, 0.025, 0.1]);
  h.observe(0.004);
  h.observe(0.02);
  h.observe(0.5);
  assert.is(
    m.render(),
    [
      '# HELP jcr_avl_rejections_total AVL reports rejected, by code',
      '# TYPE jcr_avl_rejections_total counter',
      'jcr_avl_rejections_total{code="JCR_AVL_DUPLICATE"} 2',
      'jcr_avl_rejections_total{code="JCR_AVL_NULL_ISLAND"} 3',
      '# HELP jcr_cop_clients Connected COP clients',
      '# TYPE jcr_cop_clients gauge',
      'jcr_cop_clients 7',
      '# HELP jcr_recommend_seconds Recommendation latency',
      '# TYPE jcr_recommend_seconds histogram',
      'jcr_recommend_seconds_bucket{le="0.005"} 1',
      'jcr_recommend_seconds_bucket{le="0.025"} 2',
      'jcr_recommend_seconds_bucket{le="0.1"} 2',
      'jcr_recommend_seconds_bucket{le="+Inf"} 3',
      'jcr_recommend_seconds_sum 0.524',
      'jcr_recommend_seconds_count 3',
      '',
    ].join('\n'),
  );
});

test('label values are escaped and label sets are capped', () => {
  const m = new Metrics();
  const c = m.counter('x_total', 'x');
  c.inc({ code: 'a"b\\c\nd' });
  assert.match(m.render(), 'x_total{code="a\\"b\\\\c\\nd"} 1');
  for (let i = 0; i < 1000; i++) c.inc({ code: String(i) });
  assert.ok(
    m
      .render()
      .split('\n')
      .filter((l) => l.startsWith('x_total{')).length <= 200,
  );
});

test('registering the same name twice returns the same metric; a type clash throws', () => {
  const m = new Metrics();
  const a = m.counter('y_total', 'y');
  assert.is(m.counter('y_total', 'y'), a);
  assert.throws(() => m.histogram('y_total', 'y', [1]));
});

test.run();
