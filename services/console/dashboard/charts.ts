// The two bar charts, drawn with Chart.js (bundled from the npm package into the page's script).
import Chart from 'chart.js/auto';
import type { DashboardSnapshot } from '../src/dashboard-snapshot.ts';

type BarChart = Chart<'bar', (number | null)[], string>;

const charts: Record<string, BarChart> = {};

export function renderCharts(snapshot: DashboardSnapshot) {
  const speed = snapshot.speedToLead;
  const speedLabels = [...speed.bounds.map((bound) => `≤ ${bound} s`), `> ${speed.bounds.at(-1)} s`];
  const speedData = [...speed.counts, speed.over];
  const hourLabels = snapshot.hours.map((slice) => `${String(slice.hour).padStart(2, '0')}:00`);
  const hourData = snapshot.hours.map((slice) => (slice.attainment === null ? null : slice.attainment * 100));
  drawBar('chart-speed', speedLabels, speedData, 'Leads', {});
  drawBar('chart-hours', hourLabels, hourData, 'Attainment %', { y: { min: 0, max: 100 } });
}

function drawBar(
  id: string,
  labels: string[],
  data: (number | null)[],
  label: string,
  scales: { y?: { min: number; max: number } },
) {
  const existing = charts[id];
  if (existing) {
    existing.data.labels = labels;
    const [dataset] = existing.data.datasets;
    if (dataset) dataset.data = data;
    existing.update('none');
    return;
  }
  charts[id] = new Chart(document.getElementById(id) as HTMLCanvasElement, {
    type: 'bar',
    data: { labels, datasets: [{ label, data, backgroundColor: '#0b5cad' }] },
    options: { animation: false, responsive: true, plugins: { legend: { display: false } }, scales },
  });
}
