package main

import (
	"image/color"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// chart plots median synth time against the number of stacks (app, floor)
// or keys in one stack (construct).
func chart(results []*result, path string) error {
	p := plot.New()
	p.Title.Text = "cdktf-kms synth time (median of whole runs, warm jsii cache)"
	p.X.Label.Text = "stacks (app, floor) or keys in one stack (construct)"
	p.Y.Label.Text = "seconds"
	p.Legend.Top = false
	p.Legend.Left = false
	series := []struct {
		group, label string
		color        color.RGBA
	}{
		{"floor", "floor: provider, key with a policy, alias, output per stack", color.RGBA{R: 120, G: 120, B: 120, A: 255}},
		{"direct", "direct: the app's stacks made directly, nothing checked", color.RGBA{R: 44, G: 160, B: 44, A: 255}},
		{"app", "app: one environment per stack", color.RGBA{R: 31, G: 119, B: 180, A: 255}},
		{"keys", "construct: keys in one stack", color.RGBA{R: 214, G: 39, B: 40, A: 255}},
	}
	for _, s := range series {
		var pts plotter.XYs
		for _, r := range results {
			if r.group == s.group {
				pts = append(pts, plotter.XY{X: float64(r.x), Y: median(r.walls).Seconds()})
			}
		}
		sort.Slice(pts, func(i, j int) bool { return pts[i].X < pts[j].X })
		line, points, err := plotter.NewLinePoints(pts)
		if err != nil {
			return err
		}
		line.Color, points.Color = s.color, s.color
		p.Add(line, points)
		p.Legend.Add(s.label, line, points)
	}
	p.Y.Min = 0
	return p.Save(8*vg.Inch, 4.5*vg.Inch, path)
}
