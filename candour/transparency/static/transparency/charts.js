// Draws every chart on a transparency page with Chart.js (static vendor/chart.umd.js).
// The numbers come from a <script type="application/json"> element written by Django's
// json_script filter: data, not code, so the Content-Security-Policy allows it. Withheld
// numbers are null and show as gaps, never as values.
(function () {
  "use strict";
  if (typeof Chart === "undefined") {
    return;
  }
  document.querySelectorAll("canvas[data-chart-source]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart-source"));
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var chart = new Chart(canvas, {
      type: data.type || "bar",
      data: { labels: data.labels, datasets: data.datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        spanGaps: false,
        plugins: { legend: { display: data.datasets.length > 1 } },
        // Counts are whole numbers; rates per 1,000 (data.per) are not.
        scales: { y: { beginAtZero: true, ticks: data.per ? {} : { precision: 0 } } },
      },
    });
    canvas.setAttribute("data-chart-ready", "true");
    canvas.chart = chart;
  });
})();
