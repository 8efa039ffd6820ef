import { LineageStore } from './src-main/lineage/lineage-store.ts';
const store = LineageStore.open('/tmp/plumb-bench-lineage-Va02vp/queries.db');
// eslint-disable-next-line
const db = (store as any).db;
const tm = (k: string, f: () => unknown) => { const ms: number[] = []; let r; for (let i = 0; i < 3; i++) { const t = performance.now(); r = f(); ms.push(performance.now() - t); } console.log(k, Math.min(...ms).toFixed(1)); return r; };
const q = { pipelineId: 'bench', limit: 10000 };
db.exec('CREATE INDEX IF NOT EXISTS tmp_nr_run_node ON node_runs(run_id, node_id)');
const MS = `CASE WHEN n.cache_hit = 1 THEN coalesce(
    (SELECT c.id FROM node_runs c WHERE c.cache_key = n.cache_key AND c.cache_hit = 0 AND c.status = 'succeeded' AND c.id < n.id
     ORDER BY c.id DESC LIMIT 1), n.id) ELSE n.id END`;
const sql = `SELECT r.id, r.status, r.started_at,
 (SELECT json_group_object(n.node_id || '.' || p.name, json(p.value_json))
    FROM node_runs n JOIN params p ON p.node_run_id = n.id
    WHERE n.run_id = r.id AND n.id = (SELECT max(n2.id) FROM node_runs n2 WHERE n2.run_id = r.id AND n2.node_id = n.node_id)) AS params_json,
 (SELECT json_group_object(n.node_id || '.' || m.name, m.value)
    FROM node_runs n JOIN metrics m ON m.node_run_id = ${MS} AND m.step IS NULL
    WHERE n.run_id = r.id AND n.id = (SELECT max(n2.id) FROM node_runs n2 WHERE n2.run_id = r.id AND n2.node_id = n.node_id)) AS metrics_json
FROM runs r WHERE r.pipeline_id = @pipelineId ORDER BY r.started_at DESC, r.rowid DESC LIMIT @limit`;
const st = db.prepare(sql);
console.log(db.prepare('EXPLAIN QUERY PLAN ' + sql).all(q).map((r: {detail: string}) => r.detail).join('\n'));
const rows = tm('agg sql', () => st.all(q)) as { params_json: string; metrics_json: string }[];
console.log(rows[0]);
tm('agg + parse', () => st.all(q).map((r: { params_json: string; metrics_json: string }) => [JSON.parse(r.params_json), JSON.parse(r.metrics_json)]));
const sqlNoMetricSource = sql.replace(MS, 'n.id');
tm('agg without metric source', () => db.prepare(sqlNoMetricSource).all(q));
console.log(db.prepare(`SELECT json_group_object('a', json('0.30000000000000004')) j, json_group_object('b', 0.30000000000000004) k, json_group_object('c', 1e300*10) l`).get());
db.exec('DROP INDEX tmp_nr_run_node');
store.close();
