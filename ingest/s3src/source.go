package s3src

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"golang.org/x/sync/errgroup"

	"github.com/gluelens/gluelens/ingest"
)

// Options select what a Source lists. The window and the filters only prune
// CloudTrail layouts; other objects under the prefix are listed in full.
type Options struct {
	// From and To bound the CloudTrail day folders listed (with a day of
	// slack on each side, see window). Records are not filtered by time.
	From, To time.Time
	Accounts []string // CloudTrail account folders to read; empty means all
	Regions  []string // CloudTrail region folders to read; empty means all
	// Now replaces the clock that closes a window given only a From.
	Now func() time.Time
	// MirrorDir, when set, keeps a copy of every object read under its key
	// in this folder (keys that could leave it are refused, see LocalPath).
	MirrorDir string
}

// maxDiscoveryDepth is how many folders below the given prefix the walker
// looks for an AWSLogs/ tree before listing a subtree in full, and
// maxDiscoveryFanout how many subfolders a folder outside AWSLogs/ may have
// before it is taken for data (Spark event-log folders) and listed in full.
const (
	maxDiscoveryDepth  = 4
	maxDiscoveryFanout = 64
)

// Source is a bucket and key prefix.
type Source struct {
	c        *Client
	Bucket   string
	Prefix   string
	opt      Options
	win      window
	accounts map[string]bool
	regions  map[string]bool
	user     layout // where the given prefix sits in the layout
	mirror   *mirror
	retries  atomic.Int64
	region   atomic.Pointer[string] // the bucket's region, once S3 named it
}

// ParseURI splits s3://bucket/prefix.
func ParseURI(uri string) (bucket, prefix string, err error) {
	rest, ok := strings.CutPrefix(uri, "s3://")
	if !ok {
		return "", "", fmt.Errorf("reading %q: an S3 location starts with s3://", uri)
	}
	bucket, prefix, _ = strings.Cut(rest, "/")
	if bucket == "" {
		return "", "", fmt.Errorf("reading %q: no bucket name", uri)
	}
	return bucket, prefix, nil
}

// New returns a source for s3://bucket/prefix read through c.
func New(c *Client, uri string, opt Options) (*Source, error) {
	bucket, prefix, err := ParseURI(uri)
	if err != nil {
		return nil, err
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	to := opt.To
	if !opt.From.IsZero() && to.IsZero() {
		to = opt.Now()
	}
	s := &Source{c: c, Bucket: bucket, Prefix: prefix, opt: opt, win: newWindow(opt.From, to)}
	if len(opt.Accounts) > 0 {
		s.accounts = map[string]bool{}
		for _, a := range opt.Accounts {
			s.accounts[a] = true
		}
	}
	if len(opt.Regions) > 0 {
		s.regions = map[string]bool{}
		for _, r := range opt.Regions {
			s.regions[r] = true
		}
	}
	s.user = folderLayout(prefix[:strings.LastIndex(prefix, "/")+1])
	if opt.MirrorDir != "" {
		if s.mirror, err = openMirror(opt.MirrorDir); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// String names the source.
func (s *Source) String() string { return "s3://" + s.Bucket + "/" + s.Prefix }

// Retries counts the requests this source repeated: SDK retries of failed
// requests and resumed bodies.
func (s *Source) Retries() int64 { return s.retries.Load() }

func (s *Source) uri(key string) string { return "s3://" + s.Bucket + "/" + key }

// pruning reports whether listing may skip folders.
func (s *Source) pruning() bool {
	return s.win.set() || s.accounts != nil || s.regions != nil
}

// keep reports whether an object listed under the prefix is input: folder
// markers, CloudTrail Insights files, other services' logs under
// AWSLogs/ and CloudTrail day folders outside the window or the filters are
// not.
func (s *Source) keep(key string) bool {
	if key == "" || strings.HasSuffix(key, "/") {
		return false
	}
	l := keyLayout(key)
	if l.level < levelAccount {
		return true
	}
	if s.accounts != nil && !s.accounts[l.account] {
		return false
	}
	if l.level < levelService {
		return true
	}
	switch {
	case l.service == serviceInsight:
		return false
	case l.service != serviceCloudTrail && l.service != serviceDigest:
		// Another service's logs (VPC flow logs, ELB access logs) are read
		// only when the prefix points into them.
		return l.service == s.user.service
	}
	if l.level >= levelRegion && s.regions != nil && !s.regions[l.region] {
		return false
	}
	if s.win.set() {
		if d, ok := l.day(); ok && !s.win.holds(d) {
			return false
		}
	}
	return true
}

// task is one flat listing of a prefix, or objects already listed while
// discovering the layout.
type task struct {
	prefix    string
	prelisted bool
	objs      []ingest.Object
}

// Walk lists the objects under the prefix and calls fn for each kept one,
// in a stable order: folder by folder as discovered, keys in S3 order
// within a folder.
func (s *Source) Walk(ctx context.Context, fn func(ingest.Object) error) error {
	var tasks []task
	var err error
	sem := make(chan struct{}, s.c.parallel)
	switch {
	case !s.pruning():
		tasks = []task{{prefix: s.Prefix}}
	case s.Prefix == "" || strings.HasSuffix(s.Prefix, "/"):
		tasks, err = s.dispatch(ctx, sem, s.Prefix, true)
	default:
		tasks, err = s.expand(ctx, sem, s.Prefix)
	}
	if err != nil {
		return err
	}
	return s.run(ctx, sem, tasks, fn)
}

// dispatch plans the listing of a folder from its place in the layout.
// explicit is set for the folder the user named.
func (s *Source) dispatch(ctx context.Context, sem chan struct{}, prefix string, explicit bool) ([]task, error) {
	l := folderLayout(prefix)
	flat := []task{{prefix: prefix}}
	switch l.level {
	case levelNone:
		depth := len(splitFolders(prefix)) - len(splitFolders(s.Prefix))
		if depth >= maxDiscoveryDepth {
			return flat, nil
		}
		objs, subs, err := s.list(ctx, sem, prefix, "/")
		if err != nil {
			return nil, err
		}
		if len(subs) > maxDiscoveryFanout && !slices.ContainsFunc(subs, func(sub string) bool { return strings.HasSuffix(sub, "/AWSLogs/") || sub == "AWSLogs/" }) {
			return flat, nil
		}
		return s.descend(ctx, sem, prefix, objs, subs)
	case levelLogs:
		return s.expand(ctx, sem, prefix)
	case levelAccount:
		if s.accounts != nil && !s.accounts[l.account] {
			return nil, nil
		}
		// Only CloudTrail/ and CloudTrail-Digest/ (what gluelens verify
		// checks the log files against) are read; their siblings are
		// Insights and other services' logs.
		tasks, err := s.dispatch(ctx, sem, prefix+serviceCloudTrail+"/", false)
		if err != nil {
			return nil, err
		}
		digests, err := s.dispatch(ctx, sem, prefix+serviceDigest+"/", false)
		return append(tasks, digests...), err
	}
	if l.service == serviceInsight {
		return nil, nil
	}
	if l.service != serviceCloudTrail && l.service != serviceDigest {
		if explicit {
			return flat, nil
		}
		return nil, nil
	}
	switch l.level {
	case levelService:
		if s.regions == nil {
			return s.expand(ctx, sem, prefix)
		}
		var tasks []task
		for _, r := range sortedKeys(s.regions) {
			t, err := s.dispatch(ctx, sem, prefix+r+"/", false)
			if err != nil {
				return nil, err
			}
			tasks = append(tasks, t...)
		}
		return tasks, nil
	case levelRegion, levelYear, levelMonth:
		if s.regions != nil && !s.regions[l.region] {
			return nil, nil
		}
		if !s.win.bounded() {
			return flat, nil
		}
		regionPrefix := strings.Join(splitFolders(prefix)[:len(splitFolders(prefix))-len(l.date)], "/") + "/"
		datePart := strings.Join(l.date, "/")
		var tasks []task
		for _, d := range s.win.days() {
			if strings.HasPrefix(d, datePart) {
				tasks = append(tasks, task{prefix: regionPrefix + d})
			}
		}
		return tasks, nil
	}
	return flat, nil
}

// expand lists one folder level with a delimiter: the objects found there
// become a prelisted task and every subfolder is dispatched, concurrently,
// keeping their order.
func (s *Source) expand(ctx context.Context, sem chan struct{}, prefix string) ([]task, error) {
	objs, subs, err := s.list(ctx, sem, prefix, "/")
	if err != nil {
		return nil, err
	}
	return s.descend(ctx, sem, prefix, objs, subs)
}

// descend plans the objects and subfolders of one delimiter listing.
func (s *Source) descend(ctx context.Context, sem chan struct{}, prefix string, objs []ingest.Object, subs []string) ([]task, error) {
	parts := make([][]task, len(subs))
	g, gctx := errgroup.WithContext(ctx)
	for i, sub := range subs {
		g.Go(func() error {
			t, err := s.dispatch(gctx, sem, sub, false)
			parts[i] = t
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var tasks []task
	if len(objs) > 0 {
		tasks = append(tasks, task{prefix: prefix, prelisted: true, objs: objs})
	}
	for _, p := range parts {
		tasks = append(tasks, p...)
	}
	return tasks, nil
}

// run executes the flat listings up to the client's parallelism and hands
// their objects to fn in task order.
func (s *Source) run(ctx context.Context, sem chan struct{}, tasks []task, fn func(ingest.Object) error) error {
	type result struct {
		objs []ingest.Object
		err  error
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make([]chan result, len(tasks))
	for i := range results {
		results[i] = make(chan result, 1)
	}
	// Start listings in task order so that the next folders are always
	// being listed while fn consumes the current one.
	ahead := make(chan struct{}, 2*s.c.parallel)
	go func() {
		for i, t := range tasks {
			if t.prelisted {
				results[i] <- result{objs: t.objs}
				continue
			}
			select {
			case ahead <- struct{}{}:
			case <-ctx.Done():
				results[i] <- result{err: ctx.Err()}
				continue
			}
			go func() {
				objs, _, err := s.list(ctx, sem, t.prefix, "")
				results[i] <- result{objs: objs, err: err}
			}()
		}
	}()
	for i := range tasks {
		r := <-results[i]
		if !tasks[i].prelisted {
			<-ahead
		}
		if r.err != nil {
			return r.err
		}
		for _, o := range r.objs {
			if !s.keep(o.Key) {
				continue
			}
			if err := fn(o); err != nil {
				return err
			}
		}
	}
	return nil
}

// list lists a prefix, with or without a delimiter, holding a slot of sem
// per page request.
func (s *Source) list(ctx context.Context, sem chan struct{}, prefix, delimiter string) ([]ingest.Object, []string, error) {
	in := &s3.ListObjectsV2Input{Bucket: aws.String(s.Bucket)}
	if prefix != "" {
		in.Prefix = aws.String(prefix)
	}
	if delimiter != "" {
		in.Delimiter = aws.String(delimiter)
	}
	var objs []ingest.Object
	var subs []string
	p := s3.NewListObjectsV2Paginator(s.c.api, in)
	for p.HasMorePages() {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
		page, err := p.NextPage(ctx, s.ops()...)
		if err != nil && s.learnRegion(err) {
			page, err = p.NextPage(ctx, s.ops()...)
		}
		<-sem
		if err != nil {
			return nil, nil, fmt.Errorf("listing %s: %w", s.uri(prefix), err)
		}
		for _, o := range page.Contents {
			key := aws.ToString(o.Key)
			objs = append(objs, ingest.Object{
				URI:     s.uri(key),
				Key:     key,
				Size:    aws.ToInt64(o.Size),
				ModTime: aws.ToTime(o.LastModified).UTC(),
				ETag:    aws.ToString(o.ETag),
			})
		}
		for _, cp := range page.CommonPrefixes {
			subs = append(subs, aws.ToString(cp.Prefix))
		}
	}
	return objs, subs, nil
}

// Open streams the object's bytes. A body that breaks mid-stream is resumed
// from the byte reached with a ranged GET that must match the listed ETag.
// At most Parallel bodies of one client are open at a time: Open waits for
// a slot, Close gives it back.
func (s *Source) Open(ctx context.Context, o ingest.Object) (io.ReadCloser, error) {
	if s.mirror != nil {
		if err := s.mirror.check(o.Key); err != nil {
			return nil, err
		}
	}
	select {
	case s.c.bodies <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	b := &body{ctx: ctx, s: s, key: o.Key, etag: o.ETag, size: o.Size, slot: true}
	if err := b.get(); err != nil {
		b.Close()
		return nil, err
	}
	if s.mirror == nil {
		return b, nil
	}
	rc, err := s.mirror.wrap(o.Key, o.ModTime, b)
	if err != nil {
		b.Close()
		return nil, err
	}
	return rc, nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
