/** A line chart in plain SVG (no library, nothing loaded from elsewhere): one or more series over the same samples. */
export interface Series {
  label: string;
  values: number[];
}

const COLORS = ['#0b5cad', '#1a7f37', '#b42318', '#8250df', '#bf8700', '#1b7c83'];

export function LineChart({ title, series, unit, max }: { title: string; series: Series[]; unit: string; max?: number }) {
  const length = Math.max(0, ...series.map((s) => s.values.length));
  if (length < 2) {
    return <p class="empty">{title}: the chart fills in as samples arrive.</p>;
  }
  const top = max ?? Math.max(1, ...series.flatMap((s) => s.values));
  const width = 600;
  const height = 110;
  const x = (i: number) => (i / (length - 1)) * width;
  const y = (v: number) => height - (Math.min(v, top) / top) * height;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-label={title}>
        {series.map((s, n) => (
          <polyline key={s.label} fill="none" stroke={COLORS[n % COLORS.length]} stroke-width="2"
                    points={s.values.map((v, i) => `${x(i + length - s.values.length).toFixed(1)},${y(v).toFixed(1)}`).join(' ')} />
        ))}
      </svg>
      <figcaption>
        <strong>{title}</strong>{' '}
        {series.map((s, n) => <span key={s.label} style={{ color: COLORS[n % COLORS.length] }}>■ {s.label} </span>)}
        (top of the chart: {top.toFixed(top < 10 ? 1 : 0)} {unit})
      </figcaption>
    </figure>
  );
}
