package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/cdktf-kms/cdktf-kms/access"
	"github.com/cdktf-kms/cdktf-kms/access/appsynth"
)

// accessPages are the access report pages of docs/access: one per
// cdktf.json, by the page's file name.
var accessPages = []struct {
	config, page, title, intro string
}{
	{"cdktf.json", "shipped.md", "Who can do what: the shipped environments",
		"Who can do what with each key of the environments in `cdktf.json` (`dev`, `stage`, `prod`), as `go run . -access` reports it."},
	{filepath.Join("examples", "environments", "cdktf.json"), "examples.md", "Who can do what: the example environments",
		"Who can do what with each key of the full-featured environments in [examples/environments](../../examples/environments/cdktf.json), as `go run . -access` in that folder would report it."},
}

// accessReports synthesizes each page's environments (with the app's
// code path, into a temp folder) and renders the pages, by path relative
// to root.
func accessReports(root string) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, p := range accessPages {
		envs, err := appsynth.LoadFile(filepath.Join(root, p.config))
		if err != nil {
			return nil, err
		}
		dir, err := os.MkdirTemp("", "cdktf-kms-docgen-")
		if err != nil {
			return nil, err
		}
		stacks, err := appsynth.Synth(envs, filepath.Join(dir, "cdktf.out"))
		os.RemoveAll(dir)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.config, err)
		}
		report, err := access.Build(filepath.ToSlash(p.config), stacks)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.config, err)
		}
		intro := p.intro + " It is derived from the synthesized stacks (key policies, IAM policies that name the key, native grants), not from the configuration; the access levels are those of AWS's [Service Authorization Reference](" + access.SARLink + "). [How to read it](README.md).\n"
		out[filepath.Join(root, "docs", "access", p.page)] = report.Markdown(p.title, intro)
	}
	return out, nil
}
