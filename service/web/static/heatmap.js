// The team heatmap: teams down, skills across, each cell coloured by its difference (from the
// organisation, or from 3 on a manager's page) on the scale of reports/heatmap.py, its
// average printed in it. Its data is the page's own JSON; the table below holds the same.
(function () {
  "use strict";
  var chart = document.getElementById("heatmap-chart");
  var source = document.getElementById("heatmap-data");
  if (!chart || !source || !window.Plotly) {
    return;
  }
  var data = JSON.parse(source.textContent);
  var words = data.words;
  var hover = data.n.map(function (row, r) {
    return row.map(function (n, c) {
      if (n === null) {
        return "";
      }
      var difference = data.z[r][c];
      return words.mean + ": " + data.text[r][c] + " (" + n + " " + words.people + ")" +
        (difference === null ? "" : "<br>" + words.difference + ": " +
          (difference > 0 ? "+" : "") + difference.toFixed(2));
    });
  });
  var trace = {
    type: "heatmap",
    x: data.skills,
    y: data.rows,
    z: data.z,
    text: data.text,
    customdata: hover,
    texttemplate: "%{text}",
    textfont: {color: "#111111", size: 14},
    hovertemplate: "<b>%{y}</b> · %{x}<br>%{customdata}<extra></extra>",
    hoverongaps: false,
    colorscale: data.scale,
    zmin: -data.limit,
    zmax: data.limit,
    zmid: 0,
    xgap: 2,
    ygap: 2,
    colorbar: {title: {text: words.difference, side: "right"}, thickness: 12}
  };
  var layout = {
    margin: {l: 180, r: 16, t: 8, b: 110},
    font: {family: "system-ui, sans-serif", size: 13, color: "#2b3440"},
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "#ffffff",
    // The first row (the organisation, when shown) on top, as in the table.
    yaxis: {autorange: "reversed", fixedrange: true, automargin: true},
    xaxis: {fixedrange: true, tickangle: -30, automargin: true}
  };
  chart.style.height = Math.max(14, 4 + 3 * data.rows.length) + "rem";
  window.Plotly.newPlot(chart, [trace], layout, {displayModeBar: false, responsive: true});
  chart.dataset.drawn = "true";
}());
