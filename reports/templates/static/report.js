// Draws the HTML report's charts: each figure is a JSON data block read here, so the page
// needs no inline script (it runs under a Content-Security-Policy of script-src 'self').
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-figure]").forEach(function (element) {
    const figure = JSON.parse(document.getElementById(element.dataset.figure).textContent);
    const layout = Object.assign({}, figure.layout, {
      height: Number(element.dataset.height),
      autosize: true,
    });
    // A report to read, not a chart editor: hover shows the values, no tool bar.
    Plotly.newPlot(element, figure.data, layout, { displayModeBar: false, responsive: true });
  });
});
