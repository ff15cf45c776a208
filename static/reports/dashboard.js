// Draws the dashboard's charts from the data the page carries (json_script "chart-data").
// Every chart has a table with the same figures beside it, for screen readers and print.
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") { return; }
  var charts = JSON.parse(source.textContent);
  var colours = ["#1f5fa8", "#9aa5b1", "#c0392b", "#e6a100", "#2e8b57"];
  var dashes = [[], [6, 4], [2, 2], [8, 3, 2, 3], []];
  var numberFormat = new Intl.NumberFormat(document.documentElement.lang || "vi");

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var chart = charts[canvas.dataset.chart];
    if (!chart) { return; }
    var line = chart.type === "line";
    new Chart(canvas, {
      type: chart.type,
      data: {
        labels: chart.labels,
        datasets: chart.datasets.map(function (dataset, index) {
          return {
            label: dataset.label,
            data: dataset.data,
            borderColor: colours[index % colours.length],
            backgroundColor: colours[index % colours.length],
            borderDash: line ? dashes[index % dashes.length] : undefined,
            fill: false,
            spanGaps: true,
            tension: 0
          };
        })
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (item) {
                return item.dataset.label + ": " + numberFormat.format(item.parsed.y) + (line ? "" : "%");
              }
            }
          }
        },
        scales: { y: { beginAtZero: true, suggestedMax: line ? undefined : 100, ticks: { precision: 0 } } }
      }
    });
  });
})();
