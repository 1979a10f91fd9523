// The history page's chart: one line per skill (all others), and the self-assessment as
// dashed lines shown on request. Its data is the page's own JSON; its numbers are also the
// page's table, so nothing is lost without this script.
(function () {
  "use strict";
  var chart = document.getElementById("history-chart");
  var source = document.getElementById("history-data");
  if (!chart || !source || !window.Plotly) {
    return;
  }
  var data = JSON.parse(source.textContent);
  // Distinct hues, each at AA contrast on white (history.css gives the legend the same).
  var colours = ["#1f4e79", "#b23c17", "#1d7a4a", "#7a3f9d", "#8a6212", "#0f6f7a", "#a3245f", "#4d5866"];
  var others = [];
  var selves = [];
  data.skills.forEach(function (skill, index) {
    var colour = colours[index % colours.length];
    others.push({
      type: "scatter",
      mode: "lines+markers",
      name: skill.name,
      x: data.rounds,
      y: skill.others,
      line: {color: colour, width: 2.5},
      marker: {size: 8},
      hovertemplate: "%{y:.2f}<extra>" + skill.name + "</extra>"
    });
    selves.push({
      type: "scatter",
      mode: "lines+markers",
      name: skill.name + " (" + data.self_label + ")",
      visible: false,
      x: data.rounds,
      y: skill.self,
      line: {color: colour, width: 1.5, dash: "dash"},
      marker: {size: 6, symbol: "circle-open"},
      hovertemplate: "%{y:.2f}<extra>" + skill.name + ", " + data.self_label + "</extra>"
    });
  });
  var layout = {
    margin: {l: 40, r: 16, t: 8, b: 48},
    font: {family: "system-ui, sans-serif", size: 14, color: "#2b3440"},
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    // One place per round, named by the day it closed (two rounds on one day stay apart).
    xaxis: {type: "category", gridcolor: "#e3e7ec", fixedrange: true},
    yaxis: {range: [1, 5.1], dtick: 1, gridcolor: "#e3e7ec", fixedrange: true},
    showlegend: false,
    hovermode: "closest"
  };
  var traces = others.concat(selves);
  var selfIndexes = selves.map(function (_, index) { return others.length + index; });
  window.Plotly.newPlot(chart, traces, layout, {displayModeBar: false, responsive: true});
  chart.dataset.drawn = String(traces.length);

  var toggle = document.getElementById("show-self");
  toggle.closest(".self-toggle").hidden = false;
  toggle.addEventListener("change", function () {
    window.Plotly.restyle(chart, {visible: toggle.checked}, selfIndexes);
    chart.dataset.selfShown = String(toggle.checked);
  });
}());
