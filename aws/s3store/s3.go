// Package s3store is a logfile.Store on Amazon S3 or an S3-compatible
// server, built on the AWS SDK for Go v2. It lives in trailkit's nested
// module for AWS integrations (github.com/trailkit/trailkit/aws), so that
// importing trailkit does not bring in the SDK. Its name does not clash
// with the SDK's s3 package.
//
// # Mapping to S3
//
//   - Put is one PutObject of the body as given (gzip bytes for log and
//     digest files), with no Content-Encoding, so no HTTP layer inflates
//     it. Each metadata entry becomes an x-amz-meta-<name> header with the
//     name lower-cased: the digest chain's "signature" and
//     "signature-algorithm" land in x-amz-meta-signature and
//     x-amz-meta-signature-algorithm, where aws-cli validate-logs reads
//     them. Metadata S3 would refuse or change (names that are not HTTP
//     tokens or collide when lower-cased, values outside printable ASCII or
//     with leading or trailing spaces, more than MaxMetadataSize bytes) is
//     refused with a *MetadataError before anything is sent. With
//     Options.Encryption the request asks for SSE-S3 (AES256) or SSE-KMS
//     (aws:kms, with the trail's KmsKeyId as Options.KMSKeyID).
//   - PutIfAbsent is Put with If-None-Match: *; S3's 412 answer becomes
//     logfile.ErrExists.
//   - Get and Open are one GetObject each; Get reads the body whole, Open
//     returns it as a stream. Both refuse a body larger than
//     Options.MaxObjectSize from its Content-Length, and metadata names
//     are lower-cased (S3 returns them lower-cased; other servers and SDKs
//     may canonicalise them).
//     NoSuchKey, NoSuchBucket and a bare 404 give an error wrapping
//     logfile.ErrNotFound.
//   - List is ListObjectsV2 with Prefix, StartAfter (S3's start-after is
//     exclusive, as the Store contract wants), MaxKeys =
//     Options.ListPageSize and EncodingType=url, following continuation
//     tokens one page at a time as the caller iterates. S3 lists keys in
//     UTF-8 binary order, which is byte order; the store checks that each
//     key sorts after the previous one and is under the prefix, and yields
//     an error if a server breaks that, since callers resume from the last
//     key seen.
//
// Every request goes through the *s3.Client given to New, so its retryer
// applies: by default the SDK's standard retryer, three attempts with
// jittered exponential backoff on throttling, 5xx answers and broken
// connections. Retrying a Put is safe: it writes the same body to the same
// key. Every method checks ctx first and passes it to the SDK, so a
// cancelled ctx stops a request and its retries; List also checks ctx
// between keys. A Store is safe for concurrent use.
//
// Keys and buckets pass logfile.CheckKey, like every trailkit store, and
// keys must be valid UTF-8 as S3 requires (a *logfile.Error wrapping
// logfile.ErrUnsafeKey otherwise;
// the same for List's prefix and startAfter). S3 itself would take a key
// such as "a/../b", but this store refuses it: a key one store
// refuses is refused by all, a bucket copied from S3 to a directory
// store (logfile.NewDirStore) holds the same keys, and a digest naming a hostile log file key is treated
// the same whatever the store. List yields whatever keys the bucket holds;
// Get refuses a key written by another tool that CheckKey refuses.
//
// Errors: *logfile.Error wrapping logfile.ErrUnsafeKey (unsafe bucket or
// key), *MetadataError (ErrMetadata), and *Error for a failed request,
// which wraps the SDK's error (errors.As finds smithy.APIError,
// *types.NoSuchKey, …), a context error, a *logfile.Error wrapping
// logfile.ErrTooLarge (with Size and Limit) or, for missing objects and
// buckets, logfile.ErrNotFound. New and NewClient return errors wrapping
// ErrOptions.
//
// # Scale-out layout
//
// CloudTrail's layout lets many writers share one bucket without
// coordination, and this is how to run trailkit the same way:
//
//   - Many writers, one bucket. Each process runs its own logfile.Writer
//     on its own Store. Log file keys end in 16 random characters
//     ([A-Za-z0-9], from crypto/rand), so writers never overwrite each
//     other and need no lock or lease; S3 makes each PutObject atomic.
//   - One digest chain per account, Region and trail, kept by any number
//     of digest.Digester processes from the bucket's listing: windows are
//     aligned, so all of them compute the same digest key, and PutIfAbsent
//     (If-None-Match: *) lets exactly one store each window's digest; the
//     others continue from it. Writers need no chain of their own. (A
//     digest.Chain fed by one Writer's deliveries also works, when one
//     process owns each (account, Region).) TestFleet runs 4 writer and 2
//     digester processes against moto_server and kills one of each.
//   - Query the bucket with Athena or Trino: keys are partitioned as
//     AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/, which
//     CloudTrail table definitions with partition projection expect.
//     Validate each trail's chains with digest.Validate or aws cloudtrail
//     validate-logs, one run per source Region.
//
// # Servers
//
// NewClient builds a client from an Endpoint: Amazon S3 with the default
// credential chain, or an S3-compatible server (MinIO, Ceph, moto) with a
// URL, path-style addressing and static credentials. The tests run the
// logfile/storetest conformance suite against moto_server, and an end-to-end
// trail whose chains both digest.Validate and aws-cli validate-logs check.
package s3store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/trailkit/trailkit/logfile"
)

// Encryption selects the server-side encryption requested on Put. The
// values are S3's x-amz-server-side-encryption header values.
type Encryption string

// The server-side encryption modes.
const (
	// EncryptionDefault sends no encryption header: the bucket's default
	// encryption applies (SSE-S3 on every bucket created since 2023).
	EncryptionDefault Encryption = ""
	// EncryptionS3 requests SSE-S3 (S3-managed keys, AES256).
	EncryptionS3 Encryption = "AES256"
	// EncryptionKMS requests SSE-KMS. With Options.KMSKeyID empty, S3 uses
	// the account's AWS managed key aws/s3.
	EncryptionKMS Encryption = "aws:kms"
)

// MaxMetadataSize is S3's limit on the user metadata of one object: the
// names (without "x-amz-meta-") and values, in bytes, added up.
const MaxMetadataSize = 2048

// defaultMaxObjectSize is Options.MaxObjectSize's default.
const defaultMaxObjectSize = 64 << 20

// Options configures a Store. The zero value is ready to use: no encryption
// header, pages of 1,000 keys, Get and Open limited to 64 MiB.
type Options struct {
	// Encryption is the server-side encryption requested on every Put.
	Encryption Encryption
	// KMSKeyID is the KMS key (id, ARN or alias) for EncryptionKMS, for
	// example a trail's KmsKeyId. Setting it with EncryptionDefault selects
	// EncryptionKMS; setting it with EncryptionS3 is an error.
	KMSKeyID string
	// ListPageSize is ListObjectsV2's MaxKeys, 1 to 1000; zero means 1000.
	ListPageSize int
	// MaxObjectSize caps the body Get and Open read; zero means 64 MiB
	// (CloudTrail's log files are at most 50 MB, its digest files a few
	// MB), the same as logfile.NewDirStore's. A larger object is refused with an
	// error wrapping logfile.ErrTooLarge (a *logfile.Error with Size and Limit).
	MaxObjectSize int64
}

// Errors returned by the Store besides logfile's. Each is wrapped by a
// struct error carrying the evidence.
var (
	// ErrOptions is wrapped by the error New returns for invalid Options.
	ErrOptions = errors.New("s3: invalid options")
	// ErrMetadata is wrapped by *MetadataError.
	ErrMetadata = errors.New("s3: metadata S3 cannot store faithfully")
)

// Store is a logfile.Store on Amazon S3 or an S3-compatible server. It is
// safe for concurrent use, as the *s3.Client it wraps is.
type Store struct {
	client  *awss3.Client
	opts    Options
	pageMax int32
	maxSize int64
}

var _ logfile.Store = (*Store)(nil)

// New returns a Store that sends its requests through client, which keeps
// the caller's credentials, region, endpoint, HTTP client and retryer. It
// returns an error wrapping ErrOptions when opts is inconsistent.
func New(client *awss3.Client, opts Options) (*Store, error) {
	if client == nil {
		return nil, fmt.Errorf("%w: nil client", ErrOptions)
	}
	switch opts.Encryption {
	case EncryptionDefault:
		if opts.KMSKeyID != "" {
			opts.Encryption = EncryptionKMS
		}
	case EncryptionS3:
		if opts.KMSKeyID != "" {
			return nil, fmt.Errorf("%w: KMSKeyID %q given with SSE-S3 encryption", ErrOptions, opts.KMSKeyID)
		}
	case EncryptionKMS:
	default:
		return nil, fmt.Errorf("%w: unknown encryption %q", ErrOptions, opts.Encryption)
	}
	if opts.ListPageSize < 0 || opts.ListPageSize > 1000 {
		return nil, fmt.Errorf("%w: ListPageSize %d not in 1..1000", ErrOptions, opts.ListPageSize)
	}
	if opts.MaxObjectSize < 0 {
		return nil, fmt.Errorf("%w: negative MaxObjectSize %d", ErrOptions, opts.MaxObjectSize)
	}
	s := &Store{client: client, opts: opts, pageMax: 1000, maxSize: defaultMaxObjectSize}
	if opts.ListPageSize > 0 {
		s.pageMax = int32(opts.ListPageSize)
	}
	if opts.MaxObjectSize > 0 {
		s.maxSize = opts.MaxObjectSize
	}
	return s, nil
}

// Client returns the client the Store sends its requests through.
func (s *Store) Client() *awss3.Client { return s.client }

// Error reports a failed S3 request. Err is the SDK's error (errors.As
// finds smithy.APIError and the SDK's types in it) or a context error.
type Error struct {
	// Op is the S3 operation: PutObject, GetObject or ListObjectsV2.
	Op     string
	Bucket string
	// Key is the object key, or the prefix for ListObjectsV2.
	Key string
	Err error
}

func (e *Error) Error() string {
	return fmt.Sprintf("s3: %s s3://%s/%s: %v", e.Op, e.Bucket, e.Key, e.Err)
}

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }

// MetadataError reports user metadata that S3 would refuse or not return
// unchanged. It wraps ErrMetadata.
type MetadataError struct {
	Bucket, Key string
	// Name is the offending metadata name, empty for a size error.
	Name   string
	Reason string
}

func (e *MetadataError) Error() string {
	if e.Name == "" {
		return fmt.Sprintf("s3: metadata of s3://%s/%s: %s", e.Bucket, e.Key, e.Reason)
	}
	return fmt.Sprintf("s3: metadata %q of s3://%s/%s: %s", e.Name, e.Bucket, e.Key, e.Reason)
}

// Unwrap returns ErrMetadata.
func (e *MetadataError) Unwrap() error { return ErrMetadata }

// checkKey is logfile.CheckKey plus S3's own rule that keys are UTF-8
// (S3 refuses other bytes, and some servers silently replace them).
func checkKey(bucket, key string) error {
	if err := logfile.CheckKey(bucket, key); err != nil {
		return err
	}
	if !utf8.ValidString(key) {
		return &logfile.Error{Bucket: bucket, Key: key, Err: fmt.Errorf("%w: key is not valid UTF-8, which S3 requires", logfile.ErrUnsafeKey)}
	}
	return nil
}

// checkMetadata refuses what would not round-trip through S3: names that
// are not HTTP tokens or that collide once lower-cased (S3 lower-cases
// them), values outside printable ASCII or with leading or trailing spaces
// (HTTP trims them), and more than MaxMetadataSize bytes in all.
func checkMetadata(obj *logfile.Object) error {
	bad := func(name, reason string) error {
		return &MetadataError{Bucket: obj.Bucket, Key: obj.Key, Name: name, Reason: reason}
	}
	size := 0
	seen := make(map[string]bool, len(obj.Metadata))
	for name, value := range obj.Metadata {
		if name == "" {
			return bad(name, "empty name")
		}
		for i := 0; i < len(name); i++ {
			if !isTokenByte(name[i]) {
				return bad(name, fmt.Sprintf("name byte %#02x is not allowed in an HTTP header name", name[i]))
			}
		}
		lower := strings.ToLower(name)
		if seen[lower] {
			return bad(name, "name differs only in case from another name")
		}
		seen[lower] = true
		for i := 0; i < len(value); i++ {
			if value[i] < 0x20 || value[i] > 0x7e {
				return bad(name, fmt.Sprintf("value byte %#02x is not printable ASCII", value[i]))
			}
		}
		if value != strings.TrimSpace(value) {
			return bad(name, "value has leading or trailing spaces, which HTTP drops")
		}
		size += len(name) + len(value)
	}
	if size > MaxMetadataSize {
		return bad("", fmt.Sprintf("%d bytes of user metadata, S3 allows %d", size, MaxMetadataSize))
	}
	return nil
}

// isTokenByte reports whether b may appear in an HTTP header name (RFC 9110 tchar).
func isTokenByte(b byte) bool {
	switch {
	case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", b) >= 0
}

// Put stores obj with PutObject: the body as is (no Content-Encoding, so no
// HTTP layer ever inflates a log file), the metadata as x-amz-meta-*
// headers, and the configured server-side encryption. It refuses unsafe
// keys with logfile.ErrUnsafeKey and unfaithful metadata with a
// *MetadataError before sending anything.
func (s *Store) Put(ctx context.Context, obj logfile.Object) error {
	return s.put(ctx, obj, false)
}

// PutIfAbsent is Put with the header If-None-Match: *, so S3 stores the
// object only if no object exists at the key. S3's answer 412
// PreconditionFailed gives an error wrapping logfile.ErrExists and the
// SDK's error. S3 answers 409
// ConditionalRequestConflict while another conditional write to the key
// is in flight; PutIfAbsent then tries again (up to 5 times, backing off
// from 50 ms), so that among concurrent creators one wins and the others
// see ErrExists.
func (s *Store) PutIfAbsent(ctx context.Context, obj logfile.Object) error {
	backoff := 50 * time.Millisecond
	for attempt := 0; ; attempt++ {
		err := s.put(ctx, obj, true)
		var apiErr smithy.APIError
		if attempt >= 4 || !errors.As(err, &apiErr) || apiErr.ErrorCode() != "ConditionalRequestConflict" {
			return err
		}
		select {
		case <-ctx.Done():
			return &Error{Op: "PutObject", Bucket: obj.Bucket, Key: obj.Key, Err: ctx.Err()}
		case <-time.After(backoff):
		}
		backoff *= 2
	}
}

func (s *Store) put(ctx context.Context, obj logfile.Object, ifAbsent bool) error {
	if err := checkKey(obj.Bucket, obj.Key); err != nil {
		return err
	}
	if err := checkMetadata(&obj); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return &Error{Op: "PutObject", Bucket: obj.Bucket, Key: obj.Key, Err: err}
	}
	in := &awss3.PutObjectInput{
		Bucket:        aws.String(obj.Bucket),
		Key:           aws.String(obj.Key),
		Body:          bytes.NewReader(obj.Body),
		ContentLength: aws.Int64(int64(len(obj.Body))),
	}
	if len(obj.Metadata) > 0 {
		in.Metadata = make(map[string]string, len(obj.Metadata))
		for name, value := range obj.Metadata {
			in.Metadata[strings.ToLower(name)] = value
		}
	}
	if ifAbsent {
		in.IfNoneMatch = aws.String("*")
	}
	switch s.opts.Encryption {
	case EncryptionS3:
		in.ServerSideEncryption = types.ServerSideEncryptionAes256
	case EncryptionKMS:
		in.ServerSideEncryption = types.ServerSideEncryptionAwsKms
		if s.opts.KMSKeyID != "" {
			in.SSEKMSKeyId = aws.String(s.opts.KMSKeyID)
		}
	}
	if _, err := s.client.PutObject(ctx, in); err != nil {
		if ifAbsent && isPreconditionFailed(err) {
			err = fmt.Errorf("%w: %w", logfile.ErrExists, err)
		}
		return &Error{Op: "PutObject", Bucket: obj.Bucket, Key: obj.Key, Err: err}
	}
	return nil
}

// Get returns the object at bucket and key with GetObject. Metadata names
// are lower-cased. A missing key or bucket (NoSuchKey, NoSuchBucket, or a
// bare 404) gives an error that wraps both logfile.ErrNotFound and the
// SDK's error. An object larger than Options.MaxObjectSize gives an error
// wrapping a *logfile.Error with logfile.ErrTooLarge, from its
// Content-Length, before the body is read.
func (s *Store) Get(ctx context.Context, bucket, key string) (logfile.Object, error) {
	body, info, err := s.Open(ctx, bucket, key)
	if err != nil {
		return logfile.Object{}, err
	}
	defer body.Close()
	// Read into a buffer of exactly Content-Length bytes when it is known,
	// so a 50 MB log file is not copied while a buffer grows.
	var data []byte
	if info.Size >= 0 {
		data = make([]byte, info.Size)
		_, err = io.ReadFull(body, data)
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
	} else {
		data, err = io.ReadAll(body)
	}
	if err != nil {
		if errors.Is(err, logfile.ErrTooLarge) {
			return logfile.Object{}, err
		}
		return logfile.Object{}, &Error{Op: "GetObject", Bucket: bucket, Key: key, Err: fmt.Errorf("reading the body: %w", err)}
	}
	return logfile.Object{Bucket: bucket, Key: key, Body: data, Metadata: info.Metadata}, nil
}

// Open returns a reader of the body of the object at bucket and key, from
// one GetObject, and its ObjectInfo (Size from Content-Length, -1 if the
// server sends none). Errors are Get's. The reader yields exactly
// Content-Length bytes (a connection that ends early gives
// io.ErrUnexpectedEOF); without a Content-Length it stops with an error
// wrapping logfile.ErrTooLarge after Options.MaxObjectSize bytes.
// Closing it closes the HTTP response.
func (s *Store) Open(ctx context.Context, bucket, key string) (io.ReadCloser, logfile.ObjectInfo, error) {
	if err := checkKey(bucket, key); err != nil {
		return nil, logfile.ObjectInfo{}, err
	}
	fail := func(err error) (io.ReadCloser, logfile.ObjectInfo, error) {
		return nil, logfile.ObjectInfo{}, &Error{Op: "GetObject", Bucket: bucket, Key: key, Err: err}
	}
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	out, err := s.client.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		if isNotFound(err) {
			return fail(fmt.Errorf("%w: %w", logfile.ErrNotFound, err))
		}
		return fail(err)
	}
	info := logfile.ObjectInfo{Bucket: bucket, Key: key, Size: -1}
	if size := out.ContentLength; size != nil && *size >= 0 {
		if *size > s.maxSize {
			out.Body.Close()
			return fail(&logfile.Error{Op: "open", Bucket: bucket, Key: key, Size: *size, Limit: s.maxSize, Err: logfile.ErrTooLarge})
		}
		info.Size = *size
	}
	if len(out.Metadata) > 0 {
		info.Metadata = make(map[string]string, len(out.Metadata))
		for name, value := range out.Metadata {
			info.Metadata[strings.ToLower(name)] = value
		}
	}
	r := &bodyReader{rc: out.Body, left: info.Size, exact: info.Size >= 0, limit: s.maxSize, bucket: bucket, key: key}
	if !r.exact {
		r.left = s.maxSize
	}
	return r, info, nil
}

// bodyReader reads a GetObject body: exactly left bytes when the size is
// known (exact), else at most left (the size limit).
type bodyReader struct {
	rc          io.ReadCloser
	left        int64
	exact       bool
	limit       int64
	bucket, key string
}

func (r *bodyReader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		if r.exact {
			return 0, io.EOF
		}
		// One byte more than the limit tells a larger body from one of
		// exactly the limit.
		var b [1]byte
		if n, err := r.rc.Read(b[:]); n > 0 {
			return 0, &logfile.Error{Op: "read", Bucket: r.bucket, Key: r.key, Size: -1, Limit: r.limit, Err: logfile.ErrTooLarge}
		} else if err != nil {
			return 0, err
		}
		return 0, nil
	}
	if int64(len(p)) > r.left {
		p = p[:r.left]
	}
	n, err := r.rc.Read(p)
	r.left -= int64(n)
	if err == io.EOF && r.exact {
		if r.left > 0 {
			return n, io.ErrUnexpectedEOF
		}
		err = nil
	}
	return n, err
}

func (r *bodyReader) Close() error { return r.rc.Close() }

// isNotFound reports whether err is S3's answer for a missing key or bucket.
func isNotFound(err error) bool {
	var (
		noKey    *types.NoSuchKey
		noBucket *types.NoSuchBucket
		notFound *types.NotFound
	)
	if errors.As(err, &noKey) || errors.As(err, &noBucket) || errors.As(err, &notFound) {
		return true
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode() {
		case "NoSuchKey", "NoSuchBucket", "NotFound":
			return true
		}
	}
	return false
}

// isPreconditionFailed reports whether err is S3's answer to a conditional
// write whose condition failed: 412 PreconditionFailed.
func isPreconditionFailed(err error) bool {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) && apiErr.ErrorCode() == "PreconditionFailed" {
		return true
	}
	var respErr *smithyhttp.ResponseError
	return errors.As(err, &respErr) && respErr.HTTPStatusCode() == http.StatusPreconditionFailed
}

// List yields the keys under prefix after startAfter in byte order, with
// ListObjectsV2 pages of Options.ListPageSize keys requested one at a time
// as iteration proceeds. It asks for URL-encoded keys (EncodingType=url) so
// that keys XML cannot carry survive, and decodes them. The bucket is
// checked like Put's (an unsafe one yields logfile.ErrUnsafeKey); the keys
// yielded are S3's, unfiltered, so a key written by another tool that
// CheckKey refuses is listed, and Get refuses it. A missing bucket yields
// an error wrapping logfile.ErrNotFound. Stopping early sends no more
// requests.
func (s *Store) List(ctx context.Context, bucket, prefix, startAfter string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		fail := func(err error) {
			yield("", &Error{Op: "ListObjectsV2", Bucket: bucket, Key: prefix, Err: err})
		}
		if err := logfile.CheckKey(bucket, "k"); err != nil {
			var ke *logfile.Error
			if errors.As(err, &ke) {
				ke.Op, ke.Key = "list", prefix
			}
			yield("", err)
			return
		}
		for _, v := range []string{prefix, startAfter} {
			if !utf8.ValidString(v) {
				yield("", &logfile.Error{Op: "list", Bucket: bucket, Key: v, Err: fmt.Errorf("%w: prefix or startAfter is not valid UTF-8, which S3 requires", logfile.ErrUnsafeKey)})
				return
			}
		}
		in := &awss3.ListObjectsV2Input{
			Bucket:       aws.String(bucket),
			MaxKeys:      aws.Int32(s.pageMax),
			EncodingType: types.EncodingTypeUrl,
		}
		if prefix != "" {
			in.Prefix = aws.String(prefix)
		}
		// S3 returns the keys under Prefix that sort after StartAfter, so a
		// startAfter below the prefix lists the whole prefix.
		if startAfter != "" {
			in.StartAfter = aws.String(startAfter)
		}
		last := startAfter
		for {
			if err := ctx.Err(); err != nil {
				fail(err)
				return
			}
			out, err := s.client.ListObjectsV2(ctx, in)
			if err != nil {
				if isNotFound(err) {
					err = fmt.Errorf("%w: %w", logfile.ErrNotFound, err)
				}
				fail(err)
				return
			}
			for _, o := range out.Contents {
				key := aws.ToString(o.Key)
				if out.EncodingType == types.EncodingTypeUrl {
					if key, err = url.QueryUnescape(key); err != nil {
						fail(fmt.Errorf("undecodable key %q in listing: %w", aws.ToString(o.Key), err))
						return
					}
				}
				// S3 guarantees order; a server that breaks it would make
				// callers that resume from the last key skip or repeat keys.
				if key <= last || !strings.HasPrefix(key, prefix) {
					fail(fmt.Errorf("server listed key %q out of order after %q or outside prefix", key, last))
					return
				}
				last = key
				if err := ctx.Err(); err != nil {
					fail(err)
					return
				}
				if !yield(key, nil) {
					return
				}
			}
			if !aws.ToBool(out.IsTruncated) {
				return
			}
			token := aws.ToString(out.NextContinuationToken)
			if token == "" {
				fail(errors.New("truncated listing without a continuation token"))
				return
			}
			in.ContinuationToken = aws.String(token)
		}
	}
}
