// Command bench times whole synth runs of the cdktf-kms app against a floor
// program with the same bindings, at several sizes, warm and cold, and writes
// a Markdown report (results.md) and a chart (synth.png).
//
//	cd bench && go run . -runs 5
//
// Wall time is measured around each process. Peak memory is the largest sum
// of resident set sizes of the process and all its descendants (the jsii node
// kernel is a child process), sampled from /proc every 10 ms along the
// processes' own children lists.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// timedRepeats is how often a timed program synthesizes in one process.
const timedRepeats = 5

type scenario struct {
	name  string
	group string // series in the chart: app, floor, keys
	x     int    // stacks or keys
	cmd   func(work string) *exec.Cmd
	cold  bool
	runs  int
	// timed programs (bench/keys) also report the time from the jsii
	// kernel being up to the end of the synth, which leaves out the
	// start-up and its noise; they build and synthesize the app
	// timedRepeats times in one process, and the first repetition (cold
	// JavaScript code) is dropped.
	timed bool
}

type result struct {
	scenario
	walls []time.Duration
	cpus  []time.Duration // user + system time of the process tree
	peaks []int64         // bytes
	inner []time.Duration // in-process construct + synth times (timed only)
}

func main() {
	runs := flag.Int("runs", 5, "runs per scenario (cold scenarios: at most 3)")
	outDir := flag.String("out", "results", "directory for results.md and synth.png")
	flag.Parse()
	if err := run(*runs, *outDir); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(runs int, outDir string) error {
	// treeRSS follows the kernel's children lists (CONFIG_PROC_CHILDREN).
	self := os.Getpid()
	if _, err := os.Stat(fmt.Sprintf("/proc/%d/task/%d/children", self, self)); err != nil {
		return fmt.Errorf("peak memory needs /proc/PID/task/TID/children (a Linux kernel with CONFIG_PROC_CHILDREN): %v", err)
	}
	work, err := os.MkdirTemp("", "cdktf-kms-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	bin := filepath.Join(work, "bin")
	for name, pkg := range map[string]string{"app": "..", "floor": "./floor", "direct": "./direct", "keys": "./keys"} {
		dir := "."
		if name == "app" {
			dir = ".."
			pkg = "."
		}
		cmd := exec.Command("go", "build", "-o", filepath.Join(bin, name), pkg)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("building %s: %v\n%s", name, err, out)
		}
	}
	shipped, err := os.ReadFile(filepath.Join("..", "cdktf.json"))
	if err != nil {
		return err
	}
	appIn := func(config []byte) func(string) *exec.Cmd {
		return func(dir string) *exec.Cmd {
			os.WriteFile(filepath.Join(dir, "cdktf.json"), config, 0o644)
			return exec.Command(filepath.Join(bin, "app"))
		}
	}
	// stacksProgram runs a program of the bench that takes -stacks.
	stacksProgram := func(name string) func(int) func(string) *exec.Cmd {
		return func(n int) func(string) *exec.Cmd {
			return func(string) *exec.Cmd { return exec.Command(filepath.Join(bin, name), "-stacks", strconv.Itoa(n)) }
		}
	}
	floor, direct := stacksProgram("floor"), stacksProgram("direct")
	// The direct program stands for the app's output only while its stacks
	// are the app's, byte for byte.
	if err := sameStacks(work, appIn(environments(scales[0])), direct(scales[0])); err != nil {
		return err
	}
	keys := func(n, replicas int) func(string) *exec.Cmd {
		return func(string) *exec.Cmd {
			return exec.Command(filepath.Join(bin, "keys"), "-keys", strconv.Itoa(n), "-replicas", strconv.Itoa(replicas))
		}
	}
	shippedStacks := countEnvironments(shipped)
	scenarios := []scenario{
		{name: fmt.Sprintf("app, shipped cdktf.json (%d stacks)", shippedStacks), group: "shipped", x: shippedStacks, cmd: appIn(shipped)},
	}
	if !slices.Contains(scales, shippedStacks) {
		scenarios = append(scenarios, scenario{name: fmt.Sprintf("floor, %d stacks", shippedStacks), group: "floor", x: shippedStacks, cmd: floor(shippedStacks)})
	}
	// Each scale runs the app, the direct program and the floor one after
	// the other in every round: the ratios are taken on these neighbours.
	for _, n := range scales {
		scenarios = append(scenarios,
			scenario{name: fmt.Sprintf("app, %d environments", n), group: "app", x: n, cmd: appIn(environments(n))},
			scenario{name: fmt.Sprintf("direct, %d stacks", n), group: "direct", x: n, cmd: direct(n)},
			scenario{name: fmt.Sprintf("floor, %d stacks", n), group: "floor", x: n, cmd: floor(n)})
	}
	scenarios = append(scenarios,
		scenario{name: "construct, 1 key in one stack", group: "keys", x: 1, cmd: keys(1, 0)},
		scenario{name: "construct, 100 keys in one stack", group: "keys", x: 100, cmd: keys(100, 0)},
		scenario{name: "construct, 1 key with 3 replicas", group: "replicas", x: 3, cmd: keys(1, 3)},
		scenario{name: "construct, 1 key in one stack", group: "keys in process", x: 1, cmd: keys(1, 0), timed: true},
		scenario{name: "construct, 100 keys in one stack", group: "keys in process", x: 100, cmd: keys(100, 0), timed: true},
		scenario{name: "construct, 1 key with 3 replicas", group: "replicas in process", x: 3, cmd: keys(1, 3), timed: true},
		scenario{name: fmt.Sprintf("app, shipped, cold jsii cache (%d stacks)", shippedStacks), group: "cold", x: shippedStacks, cmd: appIn(shipped), cold: true},
	)
	// The jsii requests per environment: each is a message to the node
	// kernel and back, whatever it asks.
	calls, err := countCalls(work, appIn, floor, direct)
	if err != nil {
		return err
	}
	var results []*result
	for _, sc := range scenarios {
		sc.runs = runs
		if sc.cold && runs > 3 {
			sc.runs = 3
		}
		results = append(results, &result{scenario: sc})
	}
	// Rounds: each round runs every scenario once, so that slow drifts of
	// the machine (CPU steal on a shared host) hit every scenario alike. The
	// first round is untimed: it warms the page cache and the jsii package
	// cache.
	for round := -1; round < runs; round++ {
		for _, r := range results {
			if round >= r.runs {
				continue
			}
			m, err := measure(work, r.scenario)
			if err != nil {
				return fmt.Errorf("%s: %w", r.name, err)
			}
			if round >= 0 {
				r.walls = append(r.walls, m.wall)
				r.cpus = append(r.cpus, m.cpu)
				r.peaks = append(r.peaks, m.peak)
				r.inner = append(r.inner, m.inner...)
			}
		}
		fmt.Fprintf(os.Stderr, "round %d of %d done\n", round+1, runs)
	}
	for _, r := range results {
		fmt.Fprintf(os.Stderr, "%-45s median %6.3f s, cpu %6.3f s, peak %5.0f MB\n", r.name, median(r.walls).Seconds(), median(r.cpus).Seconds(), float64(medianInt(r.peaks))/1e6)
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	report := markdown(results, calls)
	if err := os.WriteFile(filepath.Join(outDir, "results.md"), []byte(report), 0o644); err != nil {
		return err
	}
	if err := chart(results, filepath.Join(outDir, "synth.png")); err != nil {
		return err
	}
	fmt.Print(report)
	return nil
}

// runEnv is the environment of a measured program: no checkpoint calls,
// no Node-20 banner, and the extra variables given.
func runEnv(extra ...string) []string {
	return append(os.Environ(), append([]string{"CHECKPOINT_DISABLE=1", "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20", "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1"}, extra...)...)
}

// measurement is one run of a scenario.
type measurement struct {
	wall, cpu time.Duration
	peak      int64           // bytes
	inner     []time.Duration // timed scenarios: reported by the program
}

// measure runs one scenario in a fresh directory and returns its wall time,
// the CPU time of its process tree, the peak memory of its process tree and,
// for a timed program, the in-process time it reports.
func measure(work string, sc scenario) (measurement, error) {
	dir, err := os.MkdirTemp(work, "run-")
	if err != nil {
		return measurement{}, err
	}
	defer os.RemoveAll(dir)
	cmd := sc.cmd(dir)
	cmd.Dir = dir
	timing := filepath.Join(dir, "timing")
	if sc.timed {
		cmd.Args = append(cmd.Args, "-timing", timing, "-repeat", strconv.Itoa(timedRepeats))
	}
	cmd.Env = runEnv()
	if sc.cold {
		cache := filepath.Join(dir, "jsii-cache")
		cmd.Env = append(cmd.Env, "JSII_RUNTIME_PACKAGE_CACHE_ROOT="+cache)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	cmd.Stdout = io.Discard
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return measurement{}, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var peak int64
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			m := measurement{wall: time.Since(start), peak: peak}
			if err != nil {
				return m, fmt.Errorf("%v\n%s", err, stderr.String())
			}
			if _, err := os.Stat(filepath.Join(dir, "cdktf.out", "manifest.json")); err != nil {
				return m, fmt.Errorf("no cdktf.out/manifest.json: %v", err)
			}
			// The rusage of a waited child includes its waited-for
			// descendants: the app waits for its node kernel.
			m.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
			if sc.timed {
				raw, err := os.ReadFile(timing)
				if err != nil {
					return m, fmt.Errorf("no in-process timing: %v", err)
				}
				lines := strings.Fields(string(raw))
				if len(lines) != timedRepeats {
					return m, fmt.Errorf("in-process timing: %d lines, want %d", len(lines), timedRepeats)
				}
				for _, l := range lines[1:] {
					ns, err := strconv.ParseInt(l, 10, 64)
					if err != nil {
						return m, fmt.Errorf("in-process timing %q: %v", l, err)
					}
					m.inner = append(m.inner, time.Duration(ns))
				}
			}
			return m, nil
		case <-tick.C:
			if rss := treeRSS(cmd.Process.Pid); rss > peak {
				peak = rss
			}
		}
	}
}

// treeRSS sums the resident set size of pid and its descendants. It
// follows each thread's children list (/proc/PID/task/TID/children: a
// child belongs to the thread that started it) instead of reading every
// process of the machine: the sampling must not take the CPU the measured
// processes need.
func treeRSS(root int) int64 {
	page := int64(os.Getpagesize())
	var total int64
	queue := []int{root}
	seen := map[int]bool{}
	for len(queue) > 0 {
		pid := queue[0]
		queue = queue[1:]
		if seen[pid] { // a pid reused during the walk
			continue
		}
		seen[pid] = true
		statm, err := os.ReadFile(fmt.Sprintf("/proc/%d/statm", pid))
		if err != nil {
			continue
		}
		if f := strings.Fields(string(statm)); len(f) > 1 {
			pages, _ := strconv.ParseInt(f[1], 10, 64)
			total += pages * page
		}
		tasks, _ := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
		for _, t := range tasks {
			raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/children", pid, t.Name()))
			if err != nil {
				continue
			}
			for _, c := range strings.Fields(string(raw)) {
				if child, err := strconv.Atoi(c); err == nil {
					queue = append(queue, child)
				}
			}
		}
	}
	return total
}

// scales are the numbers of environments the app and the floor are
// compared at: the shipped three, and what an organization with 100 or
// about 330 accounts in three Regions runs.
var scales = []int{3, 300, 1000}

// environments returns a cdktf.json with n environments like the shipped dev.
func environments(n int) []byte {
	envs := map[string]any{}
	for i := 0; i < n; i++ {
		envs[fmt.Sprintf("env%04d", i)] = map[string]any{
			"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": fmt.Sprintf("env%04d", i),
			"additional_principals": []string{"arn:aws:iam::123456789012:role/example-role", "arn:aws:iam::123456789012:role/another-role"},
			"aliases":               []string{fmt.Sprintf("alias/env%04d-general-encryption-key", i)},
		}
	}
	b, _ := json.Marshal(map[string]any{"language": "go", "app": "./app", "context": map[string]any{"environments": envs}})
	return b
}

func countEnvironments(cdktfJSON []byte) int {
	var cfg struct {
		Context struct {
			Environments map[string]json.RawMessage `json:"environments"`
		} `json:"context"`
	}
	json.Unmarshal(cdktfJSON, &cfg)
	return len(cfg.Context.Environments)
}

// jsiiCalls are the jsii requests of one environment (app) and one stack
// (floor, direct), counted in the kernel's debug log (JSII_DEBUG=1: one
// line "> {...}" a request) of runs with 1 and 2 of them.
type jsiiCalls struct{ app, floor, direct int }

func countCalls(work string, appIn func([]byte) func(string) *exec.Cmd, floor, direct func(int) func(string) *exec.Cmd) (jsiiCalls, error) {
	count := func(cmd func(string) *exec.Cmd) (int, error) {
		dir, err := os.MkdirTemp(work, "calls-")
		if err != nil {
			return 0, err
		}
		defer os.RemoveAll(dir)
		c := cmd(dir)
		c.Dir = dir
		c.Env = runEnv("JSII_DEBUG=1")
		var stderr strings.Builder
		c.Stderr = &stderr
		if err := c.Run(); err != nil {
			return 0, fmt.Errorf("counting jsii requests: %v\n%s", err, stderr.String())
		}
		n := 0
		for _, line := range strings.Split(stderr.String(), "\n") {
			if strings.HasPrefix(line, "> ") {
				n++
			}
		}
		return n, nil
	}
	var c [6]int
	for i, cmd := range []func(string) *exec.Cmd{appIn(environments(1)), appIn(environments(2)), floor(1), floor(2), direct(1), direct(2)} {
		n, err := count(cmd)
		if err != nil {
			return jsiiCalls{}, err
		}
		c[i] = n
	}
	return jsiiCalls{app: c[1] - c[0], floor: c[3] - c[2], direct: c[5] - c[4]}, nil
}

// sameStacks runs the app and the direct program once each and fails
// unless they write the same manifest and the same stacks, byte for byte.
func sameStacks(work string, app, direct func(string) *exec.Cmd) error {
	var out [2]map[string][]byte
	for i, cmd := range []func(string) *exec.Cmd{app, direct} {
		dir, err := os.MkdirTemp(work, "same-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		c := cmd(dir)
		c.Dir = dir
		c.Env = runEnv()
		if b, err := c.CombinedOutput(); err != nil {
			return fmt.Errorf("%s: %v\n%s", c.Path, err, b)
		}
		out[i] = map[string][]byte{}
		root := filepath.Join(dir, "cdktf.out")
		err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(path)
			rel, _ := filepath.Rel(root, path)
			out[i][rel] = b
			return err
		})
		if err != nil {
			return err
		}
	}
	if len(out[0]) == 0 {
		return fmt.Errorf("the app wrote nothing into cdktf.out")
	}
	for name, b := range out[0] {
		if d, ok := out[1][name]; !ok || string(d) != string(b) {
			return fmt.Errorf("bench/direct no longer writes the app's cdktf.out/%s (change it with the construct): its figures would not be the app's output", name)
		}
	}
	if len(out[1]) != len(out[0]) {
		return fmt.Errorf("bench/direct writes %d files into cdktf.out, the app %d", len(out[1]), len(out[0]))
	}
	return nil
}

// pairedRatio is the median of the ratios a/b taken round by round (the
// two ran one after the other in each round).
func pairedRatio(a, b []time.Duration) float64 {
	r := make([]float64, min(len(a), len(b)))
	for i := range r {
		r[i] = a[i].Seconds() / b[i].Seconds()
	}
	sort.Float64s(r)
	return r[len(r)/2]
}

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func medianInt(v []int64) int64 {
	s := append([]int64(nil), v...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func minMax(d []time.Duration) (time.Duration, time.Duration) {
	lo, hi := d[0], d[0]
	for _, x := range d {
		lo, hi = min(lo, x), max(hi, x)
	}
	return lo, hi
}

func find(results []*result, group string, x int) *result {
	for _, r := range results {
		if r.group == group && r.x == x {
			return r
		}
	}
	return nil
}

// markdown writes the table and checks the targets.
func markdown(results []*result, calls jsiiCalls) string {
	var b strings.Builder
	host, _ := os.Hostname()
	cpu := cpuModel()
	fmt.Fprintf(&b, "Measured %s on %s: %d cores (%s), %s, Go %s, %s; %d runs each (cold: at most 3) after one untimed run.\n\n",
		time.Now().UTC().Format("2006-01-02"), host, runtime.NumCPU(), cpu, memTotal(), runtime.Version(), nodeVersion(), len(results[0].walls))
	b.WriteString("| scenario | wall min | wall median | wall max | CPU median | peak memory (median) |\n|---|---|---|---|---|---|\n")
	for _, r := range results {
		if r.timed { // several synths a process: in the next table
			continue
		}
		lo, hi := minMax(r.walls)
		fmt.Fprintf(&b, "| %s | %.3f s | %.3f s | %.3f s | %.3f s | %.0f MB |\n", r.name, lo.Seconds(), median(r.walls).Seconds(), hi.Seconds(), median(r.cpus).Seconds(), float64(medianInt(r.peaks))/1e6)
	}
	fmt.Fprintf(&b, "\nIn process (bench/keys: from the stack with its provider, when the jsii kernel is up and the AWS provider loaded, to the end of the synth; the start-up and its noise left out). Each run synthesizes %d times and drops the first (cold JavaScript code):\n\n| scenario | samples | min | median | max |\n|---|---|---|---|---|\n", timedRepeats)
	for _, r := range results {
		if r.timed {
			lo, hi := minMax(r.inner)
			fmt.Fprintf(&b, "| %s | %d | %.1f ms | %.1f ms | %.1f ms |\n", r.name, len(r.inner), ms(lo), ms(median(r.inner)), ms(hi))
		}
	}
	b.WriteString("\nWall time is measured around each process. CPU is user + system time of the process and its waited-for descendants (the jsii node kernel). Peak memory is the largest sum of the resident set sizes of the process and its descendants, sampled from /proc every 10 ms (following the processes' own children lists). Scenarios run in interleaved rounds, so drifts of the machine hit all of them alike.\n\n")

	shippedN := results[0].x
	app, fl := find(results, "shipped", shippedN), find(results, "floor", shippedN)
	small, large := scales[0], scales[len(scales)-1]
	aS, aL, fS, fL := find(results, "app", small), find(results, "app", large), find(results, "floor", small), find(results, "floor", large)
	k1, k100 := find(results, "keys", 1), find(results, "keys", 100)
	ratio := median(app.walls).Seconds() / median(fl.walls).Seconds()
	n := float64(large - small)
	perEnv := (median(aL.walls) - median(aS.walls)).Seconds() / n * 1000
	perStack := (median(fL.walls) - median(fS.walls)).Seconds() / n * 1000
	perKeyWall := (median(k100.walls) - median(k1.walls)).Seconds() / 99 * 1000
	i1, i100 := find(results, "keys in process", 1), find(results, "keys in process", 100)
	perKey := (median(i100.inner) - median(i1.inner)).Seconds() / 99 * 1000
	perEnvCPU := (median(aL.cpus) - median(aS.cpus)).Seconds() / n * 1000
	perStackCPU := (median(fL.cpus) - median(fS.cpus)).Seconds() / n * 1000
	perKeyCPU := (median(k100.cpus) - median(k1.cpus)).Seconds() / 99 * 1000
	memRatio := float64(medianInt(app.peaks)) / float64(medianInt(fl.peaks))

	b.WriteString("App against floor at each scale (the two ran one after the other in every round; the paired ratio is the median of the rounds' ratios):\n\n| environments | app median | floor median | ratio of medians | paired ratio | peak memory ratio |\n|---|---|---|---|---|---|\n")
	for _, x := range scales {
		a, f := find(results, "app", x), find(results, "floor", x)
		fmt.Fprintf(&b, "| %d | %.3f s | %.3f s | %.3f × | %.3f × | %.3f × |\n", x, median(a.walls).Seconds(), median(f.walls).Seconds(),
			median(a.walls).Seconds()/median(f.walls).Seconds(), pairedRatio(a.walls, f.walls), float64(medianInt(a.peaks))/float64(medianInt(f.peaks)))
	}
	b.WriteString("\nThe same output made directly (bench/direct: the app's stacks byte for byte, checked before the rounds, with the fewest jsii requests and nothing checked): the app against it is what the product costs, it against the floor what the larger output costs (paired ratios):\n\n| environments | direct median | app / direct | direct / floor | app / direct, peak memory |\n|---|---|---|---|---|\n")
	for _, x := range scales {
		a, d, f := find(results, "app", x), find(results, "direct", x), find(results, "floor", x)
		fmt.Fprintf(&b, "| %d | %.3f s | %.3f × | %.3f × | %.3f × |\n", x, median(d.walls).Seconds(), pairedRatio(a.walls, d.walls), pairedRatio(d.walls, f.walls),
			float64(medianInt(a.peaks))/float64(medianInt(d.peaks)))
	}
	fmt.Fprintf(&b, "\nFrom %d to %d: each environment of the app adds %.2f ms (CPU %.2f ms), each stack of the floor %.2f ms (CPU %.2f ms). jsii requests (each a message to the node kernel and back): %d an environment for the app, %d a stack for the direct program, %d for the floor.\n\n",
		small, large, perEnv, perEnvCPU, perStack, perStackCPU, calls.app, calls.direct, calls.floor)

	b.WriteString("| target | measured (wall) | CPU | |\n|---|---|---|---|\n")
	check := func(name, value, cpu string, ok bool) {
		verdict := "met"
		if !ok {
			verdict = "**missed**"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", name, value, cpu, verdict)
	}
	check("shipped app median ≤ 1.10 × floor median", fmt.Sprintf("%.3f ×", ratio),
		fmt.Sprintf("%.3f ×", median(app.cpus).Seconds()/median(fl.cpus).Seconds()), ratio <= 1.10)
	smallRatio := pairedRatio(aS.walls, fS.walls)
	check(fmt.Sprintf("%d environments ≤ 1.05 × floor (paired)", small), fmt.Sprintf("%.3f ×", smallRatio), "", smallRatio <= 1.05)
	largeRatio := pairedRatio(aL.walls, fL.walls)
	check(fmt.Sprintf("%d environments ≤ 1.10 × floor (paired)", large), fmt.Sprintf("%.3f ×", largeRatio),
		fmt.Sprintf("%.3f ×", median(aL.cpus).Seconds()/median(fL.cpus).Seconds()), largeRatio <= 1.10)
	largeMem := float64(medianInt(aL.peaks)) / float64(medianInt(fL.peaks))
	check(fmt.Sprintf("%d environments peak memory ≤ 1.05 × floor", large), fmt.Sprintf("%.3f ×", largeMem), "", largeMem <= 1.05)
	check("each extra key ≤ 5 ms (in process)", fmt.Sprintf("%.2f ms (whole process: %.2f ms)", perKey, perKeyWall), fmt.Sprintf("%.2f ms", perKeyCPU), perKey <= 5)
	check("shipped app peak memory ≤ 1.05 × floor peak", fmt.Sprintf("%.3f ×", memRatio), "", memRatio <= 1.05)
	r3, i3 := find(results, "replicas", 3), find(results, "replicas in process", 3)
	replicas := (median(i3.inner) - median(i1.inner)).Seconds() * 1000
	replicasWall := (median(r3.walls) - median(k1.walls)).Seconds() * 1000
	check("a key with 3 replicas ≤ 30 ms over one without (in process)", fmt.Sprintf("%.1f ms (whole process: %.1f ms)", replicas, replicasWall),
		fmt.Sprintf("%.1f ms", (median(r3.cpus)-median(k1.cpus)).Seconds()*1000), replicas <= 30)
	spread := 0.0
	for _, r := range results {
		if r.cold || r.timed {
			continue
		}
		lo, hi := minMax(r.walls)
		spread = max(spread, (hi - lo).Seconds())
	}
	fmt.Fprintf(&b, "\nThe largest spread (max - min) of a warm scenario's wall times was %.3f s: a whole-process per-key figure within about %.1f ms of its target is inside the noise of this machine (the in-process figures leave that noise out).\n", spread, spread/99*1000)
	return b.String()
}

func ms(d time.Duration) float64 { return d.Seconds() * 1000 }

func cpuModel() string {
	raw, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "model name") {
			return strings.TrimSpace(strings.SplitN(line, ":", 2)[1])
		}
	}
	return "unknown CPU"
}

func memTotal() string {
	raw, _ := os.ReadFile("/proc/meminfo")
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "MemTotal:") {
			kb, _ := strconv.ParseFloat(strings.Fields(line)[1], 64)
			return fmt.Sprintf("%.0f GiB", kb/1024/1024)
		}
	}
	return "unknown memory"
}

func nodeVersion() string {
	out, err := exec.Command("node", "--version").Output()
	if err != nil {
		return "node unknown"
	}
	return "Node " + strings.TrimSpace(string(out))
}
