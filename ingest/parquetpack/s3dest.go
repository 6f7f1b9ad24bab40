package parquetpack

import (
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// PutGetter is the part of the S3 API a pack needs (an *s3.Client).
type PutGetter interface {
	PutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// S3Dest writes a pack under s3://Bucket/Prefix. Each file is written to a
// temporary local file first and uploaded with one PutObject when it is
// closed, so memory stays bounded whatever the file size and the SDK gets
// a seekable body it can checksum and retry. Files stay below S3's 5 GB
// single-PUT limit by Options.FileRows.
type S3Dest struct {
	API    PutGetter
	Bucket string
	Prefix string // without leading or trailing slash
	// TempDir holds files until they are uploaded; "" means os.TempDir().
	TempDir string
}

func (d *S3Dest) key(k string) string {
	if d.Prefix == "" {
		return k
	}
	return path.Join(strings.Trim(d.Prefix, "/"), k)
}

func (d *S3Dest) String() string { return "s3://" + d.Bucket + "/" + strings.Trim(d.Prefix, "/") }

// Create implements Dest.
func (d *S3Dest) Create(ctx context.Context, key string) (io.WriteCloser, error) {
	f, err := os.CreateTemp(d.TempDir, "gluelens-export-*.part")
	if err != nil {
		return nil, fmt.Errorf("creating a temporary file for %s: %w", key, err)
	}
	return &s3File{ctx: ctx, d: d, key: d.key(key), f: f}, nil
}

// Abort implements Dest: nothing was uploaded for a file that was not closed.
func (d *S3Dest) Abort(string) {}

// tempPath implements placer: a temporary local file for the part.
func (d *S3Dest) tempPath(key string) (string, error) {
	f, err := os.CreateTemp(d.TempDir, "gluelens-export-*.part")
	if err != nil {
		return "", fmt.Errorf("creating a temporary file for %s: %w", key, err)
	}
	name := f.Name()
	f.Close()
	return name, nil
}

// place implements placer: the file is uploaded with one PutObject and
// removed.
func (d *S3Dest) place(ctx context.Context, key, tmp string) (int64, error) {
	defer os.Remove(tmp)
	f, err := os.Open(tmp)
	if err != nil {
		return 0, fmt.Errorf("uploading s3://%s/%s: %w", d.Bucket, d.key(key), err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return 0, fmt.Errorf("uploading s3://%s/%s: %w", d.Bucket, d.key(key), err)
	}
	if _, err := d.API.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(d.Bucket), Key: aws.String(d.key(key)), Body: f}); err != nil {
		return 0, fmt.Errorf("uploading s3://%s/%s: %w", d.Bucket, d.key(key), err)
	}
	return info.Size(), nil
}

type s3File struct {
	ctx context.Context
	d   *S3Dest
	key string
	f   *os.File
}

func (s *s3File) Write(p []byte) (int, error) { return s.f.Write(p) }

func (s *s3File) Close() error {
	defer os.Remove(s.f.Name())
	defer s.f.Close()
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("uploading s3://%s/%s: %w", s.d.Bucket, s.key, err)
	}
	_, err := s.d.API.PutObject(s.ctx, &s3.PutObjectInput{Bucket: aws.String(s.d.Bucket), Key: aws.String(s.key), Body: s.f})
	if err != nil {
		return fmt.Errorf("uploading s3://%s/%s: %w", s.d.Bucket, s.key, err)
	}
	return nil
}

// ReadManifestS3 reads the manifest of a pack stored under s3://bucket/prefix.
func ReadManifestS3(ctx context.Context, api PutGetter, bucket, prefix string) (*Manifest, error) {
	key := ManifestName
	if p := strings.Trim(prefix, "/"); p != "" {
		key = p + "/" + ManifestName
	}
	out, err := api.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return nil, fmt.Errorf("reading s3://%s/%s: %w", bucket, key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(io.LimitReader(out.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("reading s3://%s/%s: %w", bucket, key, err)
	}
	m, err := ParseManifest(b)
	if err != nil {
		return nil, fmt.Errorf("reading s3://%s/%s: %w", bucket, key, err)
	}
	return m, nil
}

// ReadManifestDir reads the manifest of a pack in a local directory.
func ReadManifestDir(dir string) (*Manifest, error) {
	p := filepath.Join(dir, ManifestName)
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", p, err)
	}
	m, err := ParseManifest(b)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", p, err)
	}
	return m, nil
}
