// The staffing chart, drawn with Chart.js (bundled from the npm package, as the dashboard's charts):
// bars for the agents needed per hour (by the simulator, by Erlang), a line for the agents signed in,
// and the forecast leads as a dashed line on a second axis.
import Chart from 'chart.js/auto';
import { hourLabel, type StaffingAnswer } from './answer.ts';

type StaffingChart = Chart<'bar' | 'line', (number | null)[], string>;

let chart: StaffingChart | undefined;

/** The chart's series, in the legend's order. */
function datasets(answer: StaffingAnswer) {
  const hours = answer.hours;
  return [
    {
      type: 'bar' as const,
      label: 'Agents needed (simulator)',
      data: hours.map((hour) => hour.simulatedAgents),
      backgroundColor: '#0b5cad',
      yAxisID: 'y',
      order: 2,
    },
    {
      type: 'bar' as const,
      label: 'Agents needed (Erlang)',
      data: hours.map((hour) => hour.erlangAgents),
      backgroundColor: '#8fb8e3',
      yAxisID: 'y',
      order: 3,
    },
    {
      type: 'line' as const,
      label: 'Agents signed in',
      data: hours.map((hour) => hour.signedInAgents),
      borderColor: '#1b7f3b',
      backgroundColor: '#1b7f3b',
      pointStyle: 'rectRot',
      pointRadius: 4,
      spanGaps: false,
      yAxisID: 'y',
      order: 1,
    },
    {
      type: 'line' as const,
      label: 'Forecast leads (right axis)',
      data: hours.map((hour) => hour.forecastArrivals),
      borderColor: '#b8621b',
      backgroundColor: '#b8621b',
      borderDash: [6, 4],
      pointRadius: 2,
      yAxisID: 'leads',
      order: 0,
    },
  ];
}

/** Draws the answer, or redraws the chart in place for the next one (no flicker, no new canvas). */
export function renderChart(answer: StaffingAnswer) {
  const labels = answer.hours.map((hour) => hourLabel(hour.hour));
  const series = datasets(answer);
  if (chart) {
    chart.data.labels = labels;
    chart.data.datasets.forEach((dataset, index) => {
      dataset.data = series[index]?.data ?? [];
    });
    chart.update('none');
    return;
  }
  chart = new Chart(document.getElementById('staffing-chart') as HTMLCanvasElement, {
    type: 'bar',
    data: { labels, datasets: series },
    options: {
      animation: false,
      responsive: true,
      interaction: { mode: 'index', intersect: false },
      plugins: { legend: { position: 'bottom' } },
      scales: {
        y: { beginAtZero: true, title: { display: true, text: 'Agents' }, ticks: { precision: 0 } },
        leads: {
          position: 'right',
          beginAtZero: true,
          title: { display: true, text: 'Leads per hour' },
          grid: { drawOnChartArea: false },
        },
      },
    },
  });
}
