// Draws the dashboard's charts with Chart.js (vendored from the npm registry into
// static/partner_dashboard/vendor/, see scripts/vendor-chartjs). The figures come from a
// <script type="application/json"> block the page renders; each chart also has a table with the
// same figures, so nothing here is needed to read them.
(function () {
  "use strict";
  const source = document.getElementById("partner-dashboard-chart-data");
  if (!source || typeof window.Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const styles = getComputedStyle(document.documentElement);
  const text = styles.getPropertyValue("--w-color-text-context").trim() || "#262626";
  const grid = styles.getPropertyValue("--w-color-border-furniture").trim() || "#e0e0e0";
  window.Chart.defaults.color = text;
  window.Chart.defaults.borderColor = grid;
  window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  const money = (value) =>
    "$" + Number(value).toLocaleString("en-US", { minimumFractionDigits: 0, maximumFractionDigits: 2 });

  const enrolments = document.getElementById("enrolments-chart");
  if (enrolments) {
    new window.Chart(enrolments, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [{ label: "Enrolments", data: data.enrolments, backgroundColor: "#2e1f5e" }],
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  }
  const revenue = document.getElementById("revenue-chart");
  if (revenue) {
    new window.Chart(revenue, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [
          { label: "Net revenue", data: data.net.map(Number), borderColor: "#2e1f5e", backgroundColor: "#2e1f5e" },
          { label: "Partner share", data: data.share.map(Number), borderColor: "#b45309", backgroundColor: "#b45309", borderDash: [6, 4] },
        ],
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { beginAtZero: true, ticks: { callback: money } } },
        plugins: {
          // A line sample in the legend, dashed like its line, rather than a box drawn dashed.
          legend: { labels: { usePointStyle: true, pointStyle: "line" } },
          tooltip: { callbacks: { label: (item) => item.dataset.label + ": " + money(item.raw) } },
        },
      },
    });
  }
})();
