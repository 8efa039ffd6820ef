import { z } from 'zod';
import { formatValue } from '../format.js';

const Scalar = z.union([z.number(), z.string(), z.null()]).optional();

/** The profile node's report (nodes/validate-profile), checked before it is drawn. */
const ProfileReport = z.object({
  kind: z.literal('profile'),
  rows: z.number(),
  columns: z.array(
    z.object({
      name: z.string(),
      type: z.string(),
      nulls: z.number(),
      nullFraction: z.number(),
      distinct: z.number(),
      min: Scalar,
      max: Scalar,
      mean: z.number().nullable().optional(),
    }),
  ),
});
export type ProfileReport = z.infer<typeof ProfileReport>;

export function readProfile(report: unknown): ProfileReport | null {
  const parsed = ProfileReport.safeParse(report);
  return parsed.success ? parsed.data : null;
}

export function ProfileView({ profile }: { profile: ProfileReport }) {
  return (
    <div className="profile" data-testid="profile-report">
      <p className="output-meta">
        Profile of {profile.rows.toLocaleString('en-US')} rows, {profile.columns.length} columns
      </p>
      <div className="table-scroll">
        <table className="data-table">
          <thead>
            <tr>
              <th>column</th>
              <th>type</th>
              <th className="num">nulls</th>
              <th className="num">distinct</th>
              <th className="num">min</th>
              <th className="num">max</th>
              <th className="num">mean</th>
            </tr>
          </thead>
          <tbody>
            {profile.columns.map((c) => (
              <tr key={c.name}>
                <td className="col-name">{c.name}</td>
                <td className="col-type">{c.type}</td>
                <td className="num" title={`${(c.nullFraction * 100).toFixed(1)}% missing`}>
                  {formatValue(c.nulls)}
                </td>
                <td className="num">{formatValue(c.distinct)}</td>
                <StatCell value={c.min} />
                <StatCell value={c.max} />
                <StatCell value={c.mean} />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function StatCell({ value }: { value: number | string | null | undefined }) {
  if (value === undefined || value === null) return <td className="num" />;
  return (
    <td className="num" title={String(value)}>
      {formatValue(value)}
    </td>
  );
}
