// Package config reads gluelens.yaml: the rules that put Glue jobs into
// categories (blast-radius groups), the subnet each category should live in,
// subnet sizes for capacity planning, and per-category worker-disk overrides.
//
// A minimal file:
//
//	categories:
//	  - name: critical
//	    jobs: ["ingest-*", "transform-*"]
//	    subnet: critical            # proposed subnet for plan/whatif
//	    worker_disk: {G.2X: 70GB}   # usable local disk override per worker type
//	  - name: adhoc
//	    jobs: ["export-*"]
//	    subnet: adhoc
//	subnets:
//	  critical: /26
//	  adhoc: /27
//	plan:
//	  window_days: 14
//	  buffer: lingering
//	  headroom: 25%
//
// Unknown keys and malformed YAML are errors that name the file, line and
// column.
package config

import (
	"errors"
	"fmt"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// DefaultFile is the config read from the working directory when neither
// --config nor GLUELENS_CONFIG names one.
const DefaultFile = "gluelens.yaml"

// EnvVar names the environment variable that points at a config file.
const EnvVar = "GLUELENS_CONFIG"

// Config is a parsed gluelens.yaml.
type Config struct {
	Categories []Category         `yaml:"categories"`
	Subnets    map[string]string  `yaml:"subnets"` // subnet name or id → "/26" (or a CIDR like 10.0.1.0/26)
	Plan       Plan               `yaml:"plan"`
	Source     string             `yaml:"-"` // file the config came from ("" = built-in defaults)
	disks      map[string]diskMap // category → worker type → bytes
}

type diskMap map[string]int64

// Category maps job-name glob patterns to a category.
type Category struct {
	Name string `yaml:"name"`
	// Jobs are path.Match patterns over the job name ("ingest-*").
	Jobs []string `yaml:"jobs"`
	// Subnet, when set, is where the category's runs go in a proposed
	// layout (plan subnets, whatif): an existing subnet id or a new name.
	Subnet string `yaml:"subnet,omitempty"`
	// WorkerDisk overrides the usable local disk per worker type, e.g.
	// {G.2X: 70GB}.
	WorkerDisk map[string]string `yaml:"worker_disk,omitempty"`
}

// Plan holds defaults for the plan, whatif and check commands.
type Plan struct {
	WindowDays int    `yaml:"window_days,omitempty"`
	Buffer     string `yaml:"buffer,omitempty"`   // lingering | none | an integer
	Headroom   string `yaml:"headroom,omitempty"` // "25%" or "0.25"
}

// Load reads and validates the config at file.
func Load(file string) (*Config, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("reading config %s: %w", file, err)
	}
	c, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("reading config %s: %w", file, err)
	}
	c.Source = file
	return c, nil
}

// Resolve picks the config file: explicit (from --config) if given, else
// $GLUELENS_CONFIG, else ./gluelens.yaml when it exists. With none of them
// it returns the built-in defaults (Source == ""). An explicitly named file
// that is missing is an error.
func Resolve(explicit string) (*Config, error) {
	if explicit != "" {
		return Load(explicit)
	}
	if env := os.Getenv(EnvVar); env != "" {
		return Load(env)
	}
	if _, err := os.Stat(DefaultFile); err == nil {
		return Load(DefaultFile)
	}
	return &Config{}, nil
}

// Parse decodes and validates a config document. Errors carry the line and
// column of the offending node.
func Parse(data []byte) (c *Config, err error) {
	// go-yaml v1.19.2 can panic on some malformed documents (a tag on a
	// sequence field: testdata/fuzz/FuzzParse); report those as errors.
	defer func() {
		if p := recover(); p != nil {
			c, err = nil, fmt.Errorf("malformed YAML: %v", p)
		}
	}()
	file, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, yamlError(err)
	}
	var cfg Config
	if err := yaml.UnmarshalWithOptions(data, &cfg, yaml.Strict()); err != nil {
		return nil, yamlError(err)
	}
	if err := cfg.validate(file); err != nil {
		return nil, err
	}
	return &cfg, nil
}

// yamlError turns a go-yaml error into "line L, column C: message".
func yamlError(err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil {
		p := ye.GetToken().Position
		return fmt.Errorf("line %d, column %d: %s", p.Line, p.Column, strings.TrimSpace(ye.GetMessage()))
	}
	return err
}

// at prefixes msg with the position of the node at YAML path p, when found.
func at(file *ast.File, p string, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if yp, err := yaml.PathString(p); err == nil {
		if n, err := yp.FilterFile(file); err == nil && n != nil && n.GetToken() != nil {
			pos := n.GetToken().Position
			return fmt.Errorf("line %d, column %d: %s", pos.Line, pos.Column, msg)
		}
	}
	return errors.New(msg)
}

func (c *Config) validate(file *ast.File) error {
	seen := map[string]bool{}
	c.disks = map[string]diskMap{}
	for i, cat := range c.Categories {
		base := fmt.Sprintf("$.categories[%d]", i)
		if strings.TrimSpace(cat.Name) == "" {
			return at(file, base, "category %d has no name", i+1)
		}
		if seen[cat.Name] {
			return at(file, base+".name", "category %q is defined twice", cat.Name)
		}
		seen[cat.Name] = true
		if len(cat.Jobs) == 0 {
			return at(file, base, "category %q lists no job patterns (jobs: [...])", cat.Name)
		}
		for j, p := range cat.Jobs {
			if _, err := path.Match(p, ""); err != nil {
				return at(file, fmt.Sprintf("%s.jobs[%d]", base, j), "category %q: bad job pattern %q: %v", cat.Name, p, err)
			}
		}
		if len(cat.WorkerDisk) > 0 {
			dm := diskMap{}
			for wt, size := range cat.WorkerDisk {
				n, err := ParseSize(size)
				if err != nil {
					return at(file, base+".worker_disk.'"+strings.ReplaceAll(wt, "'", `\'`)+"'", "category %q: worker_disk %s: %v", cat.Name, wt, err)
				}
				dm[wt] = n
			}
			c.disks[cat.Name] = dm
		}
	}
	for name, size := range c.Subnets {
		if _, err := ParsePrefix(size); err != nil {
			return at(file, "$.subnets.'"+strings.ReplaceAll(name, "'", `\'`)+"'", "subnets.%s: %v", name, err)
		}
	}
	if c.Plan.WindowDays < 0 {
		return at(file, "$.plan.window_days", "plan.window_days must be positive, got %d", c.Plan.WindowDays)
	}
	if c.Plan.Headroom != "" {
		if _, err := ParsePercent(c.Plan.Headroom); err != nil {
			return at(file, "$.plan.headroom", "plan.headroom: %v", err)
		}
	}
	if c.Plan.Buffer != "" {
		if _, err := ParseBuffer(c.Plan.Buffer); err != nil {
			return at(file, "$.plan.buffer", "plan.buffer: %v", err)
		}
	}
	return nil
}

// CategoryOf returns the category of a job: the first configured category
// with a matching pattern (in file order), else DefaultCategory(job).
func (c *Config) CategoryOf(job string) string {
	cat, _ := c.Explain(job)
	return cat
}

// Explain returns a job's category and the rule that chose it:
// "config: <pattern>" or "default: prefix".
func (c *Config) Explain(job string) (category, rule string) {
	if c != nil {
		for _, cat := range c.Categories {
			for _, p := range cat.Jobs {
				if ok, _ := path.Match(p, job); ok {
					return cat.Name, "config: " + p
				}
			}
		}
	}
	return DefaultCategory(job), "default: prefix"
}

// DefaultCategory is the category of a job no rule matches: the job-name
// prefix before the first '-' or '_' ("ingest-orders" → "ingest"), or the
// whole name when it has neither.
func DefaultCategory(job string) string {
	if i := strings.IndexAny(job, "-_"); i > 0 {
		return job[:i]
	}
	return job
}

// SubnetOf returns the configured subnet for a category ("" = unchanged).
func (c *Config) SubnetOf(category string) string {
	if c == nil {
		return ""
	}
	for _, cat := range c.Categories {
		if cat.Name == category {
			return cat.Subnet
		}
	}
	return ""
}

// Split returns the proposed layout the config describes: subnet name →
// the categories placed there, names sorted. Empty when no category names
// a subnet.
func (c *Config) Split() map[string][]string {
	out := map[string][]string{}
	if c == nil {
		return out
	}
	for _, cat := range c.Categories {
		if cat.Subnet != "" {
			out[cat.Subnet] = append(out[cat.Subnet], cat.Name)
		}
	}
	for k := range out {
		sort.Strings(out[k])
	}
	return out
}

// WorkerDisk returns the usable local disk override in bytes for a
// category and worker type.
func (c *Config) WorkerDisk(category, workerType string) (int64, bool) {
	if c == nil {
		return 0, false
	}
	n, ok := c.disks[category][workerType]
	return n, ok
}

// ParseSize reads a byte size: "70GB", "70 GiB", "512MB", "1TB", "1024".
// GB, MB, TB are decimal (10^9…); GiB, MiB, TiB binary.
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := len(t)
	for i > 0 && (t[i-1] < '0' || t[i-1] > '9') {
		i--
	}
	num, unit := strings.TrimSpace(t[:i]), strings.ToUpper(strings.TrimSpace(t[i:]))
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("cannot read %q as a size (e.g. 70GB, 512MiB)", s)
	}
	mult := map[string]float64{
		"": 1, "B": 1,
		"KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12,
		"KIB": 1 << 10, "MIB": 1 << 20, "GIB": 1 << 30, "TIB": 1 << 40,
	}[unit]
	if mult == 0 {
		return 0, fmt.Errorf("cannot read %q as a size: unknown unit %q (use B, KB, MB, GB, TB or KiB…TiB)", s, t[i:])
	}
	return int64(v * mult), nil
}

// ParsePrefix reads a subnet size: "/26", "26" or a CIDR "10.0.1.0/26".
// AWS allows prefixes /16 to /28.
func ParsePrefix(s string) (int, error) {
	t := strings.TrimSpace(s)
	if i := strings.LastIndexByte(t, '/'); i >= 0 {
		t = t[i+1:]
	}
	p, err := strconv.Atoi(t)
	if err != nil {
		return 0, fmt.Errorf("cannot read %q as a subnet size (use /26 or a CIDR)", s)
	}
	if p < 16 || p > 28 {
		return 0, fmt.Errorf("subnet size /%d is outside what AWS allows (/16 to /28)", p)
	}
	return p, nil
}

// ParsePercent reads "25%" as 0.25; a bare number ≤ 1 is a fraction
// ("0.25"), above 1 a percentage ("25").
func ParsePercent(s string) (float64, error) {
	t := strings.TrimSpace(s)
	pct := strings.HasSuffix(t, "%")
	v, err := strconv.ParseFloat(strings.TrimSuffix(t, "%"), 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("cannot read %q as a percentage (use 25%%)", s)
	}
	if pct || v > 1 {
		v /= 100
	}
	return v, nil
}

// Buffer modes for launch thresholds.
const (
	BufferLingering = "lingering"
	BufferNone      = "none"
)

// ParseBuffer validates a buffer setting: "lingering", "none" or a
// non-negative integer number of IPs. It returns the fixed IP count (-1 for
// lingering).
func ParseBuffer(s string) (int, error) {
	switch strings.TrimSpace(s) {
	case BufferLingering, "":
		return -1, nil
	case BufferNone:
		return 0, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 {
		return 0, fmt.Errorf("cannot read %q as a buffer (use lingering, none or a number of IPs)", s)
	}
	return n, nil
}
