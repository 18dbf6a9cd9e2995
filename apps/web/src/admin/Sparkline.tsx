/**
 * Sparkline: a small SVG line chart of the last values (scaled to their own maximum plus headroom,
 * at least 1). Its accessible name carries the latest value as the caller formats it (the page's
 * language, no raw floats).
 */
export function Sparkline({
  values,
  label,
  format = String,
  className = 'stroke-blue-600',
}: {
  values: readonly number[];
  label: string;
  format?: (value: number) => string;
  className?: string;
}) {
  const width = 240;
  const height = 56;
  // Headroom above the highest value, so a steady line does not sit on the top edge.
  const max = Math.max(1, ...values) * 1.25;
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const points = values
    .map((value, index) => `${(index * step).toFixed(1)},${(height - 2 - (value / max) * (height - 4)).toFixed(1)}`)
    .join(' ');
  const latest = values.at(-1);
  const name = latest === undefined ? label : `${label}: ${format(latest)}`;
  return (
    <svg viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" className="h-14 w-full" role="img" aria-label={name}>
      <title>{name}</title>
      <line x1="0" y1={height - 1} x2={width} y2={height - 1} className="stroke-slate-200 dark:stroke-slate-700" strokeWidth="1" />
      {values.length > 1 && (
        <polyline points={points} fill="none" strokeWidth="2" vectorEffect="non-scaling-stroke" className={className} />
      )}
      {values.length === 1 && <circle cx={width / 2} cy={height / 2} r="3" className={className} />}
    </svg>
  );
}
