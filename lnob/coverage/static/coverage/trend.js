// The trend chart of a province or the nation (Apache ECharts). Lines differ
// by dash and marker as well as colour; the same figures are in a table.
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("trend-chart");
    var data = JSON.parse(document.getElementById("trend-data").textContent);
    if (!el || !window.echarts) { return; }
    var styles = {found: ["solid", "circle"], verified: ["dashed", "triangle"],
                  care_started: ["dotted", "rect"], in_care: ["solid", "diamond"]};
    var series = Object.keys(data.series).map(function (key) {
      return {name: data.labels[key], type: "line", data: data.series[key], connectNulls: true,
              symbol: styles[key][1], symbolSize: 8, lineStyle: {type: styles[key][0], width: 2}};
    });
    var chart = window.echarts.init(el, null, {renderer: "svg"});
    chart.setOption({
      aria: {enabled: true, decal: {show: true}},
      color: ["#0b5c8a", "#b7791f", "#1b6e2e", "#6b2f8a"],
      textStyle: {fontFamily: "Sarabun, system-ui, sans-serif"},
      tooltip: {trigger: "axis"}, legend: {top: 0},
      grid: {left: 48, right: 16, top: 48, bottom: 32},
      xAxis: {type: "category", data: data.months}, yAxis: {type: "value", minInterval: 1},
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); }
  else { draw(); }
}());
