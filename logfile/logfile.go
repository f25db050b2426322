// Package logfile writes, stores, finds and reads CloudTrail log files.
//
// # Log files
//
// A log file is one gzip member (RFC 1952) holding the UTF-8 JSON object
// {"Records":[r1,r2,…]}: compact, no whitespace between tokens, the records
// as event.Record.AppendJSON writes them. It carries records of one
// recipient account and one Region, at most 50 MB compressed; each record
// is at most 256 KB. Insights files are the same with Insights records.
//
// # Keys
//
// Objects live under AWSLogs/ in the trail's bucket, after the optional
// trail prefix and, for organization trails, the organization id:
//
//	[prefix/]AWSLogs/[o-id/]<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_YYYYMMDDTHHmmZ_<unique>.json.gz
//	[prefix/]AWSLogs/[o-id/]<account>/CloudTrail-Insight/<region>/YYYY/MM/DD/<account>_CloudTrail-Insight_<region>_YYYYMMDDTHHmmZ_<unique>.json.gz
//	[prefix/]AWSLogs/[o-id/]<account>/CloudTrail-Digest/<region>/YYYY/MM/DD/<account>_CloudTrail-Digest_<region>_<trail>_<home region>_YYYYMMDDTHHMMSSZ[_backfill].json.gz
//
// For log and Insights files the time is the UTC delivery time to the
// minute, and <unique> is 16 characters drawn uniformly from [A-Za-z0-9]
// (crypto/rand by default, WriterOptions.Rand); for digests the time is the digest end time to the
// second. The date folders are the date of that time. For example:
//
//	AWSLogs/444455556666/CloudTrail/eu-west-1/2024/03/05/444455556666_CloudTrail_eu-west-1_20240305T0925Z_Q3xv9LmA0bTz7KpE.json.gz
//
// Key builds and ParseKey parses all three kinds; DigestChain lists and
// matches one trail's digests like aws-cli validate-logs.
//
// # Stores, writing and reading
//
// A Store holds objects: NewDirStore opens one in a local directory,
// NewMemStore makes one in memory, and package aws/s3store has one in S3.
// A Writer batches records into log files per (account, Region), puts them
// in a Store and reports each Delivery to its subscribers (the digest chain).
// Write refuses a record whose encoding would not read back as itself
// (ErrInvalidRecord). With a spool (WriterOptions.SpoolDir) Write returns
// only once the record is durable, and Writer.Replay delivers after a
// crash, exactly once, what was acknowledged but not delivered (see Spool
// below).
// ReadRecords streams the records of one file with bounded memory; Scan
// finds and reads the files of an account, Region and time range, ScanAll
// those of several or all accounts and Regions in parallel.
// ReadJSONLines reads records one per line (CloudWatch Logs, EventBridge
// and Lake exports, trailkit export --format jsonl). FileWriter frames one
// log file over any io.Writer; Writer builds its files with it.
// Store.Open reads an object as a stream (Scan and digest.Validate use it),
// and every store refuses objects above its size limit (ErrTooLarge).
//
// # Spool
//
// A spool is a write-ahead log of a Writer's records in a local directory
// (WriterOptions.SpoolDir): Write returns only once the record is durable
// by WriterOptions.Sync, and after a crash Writer.Replay delivers every
// spooled record that was not delivered, exactly once.
//
// The directory holds segment files named <20-digit number>.spool and a
// lock file, LOCK, held with flock(2) (on Unix) from NewWriter until Close
// releases the spool, so that two Writers cannot share it. A segment is a sequence of
// frames:
//
//	length  uint32 little-endian, bytes of body
//	crc     uint32 little-endian, CRC-32C (Castagnoli) of body
//	body    type byte, batch id as a uvarint, then
//	        'R': one record's JSON, as it is in the log file
//	        'K': the S3 key chosen for the batch (written and fsynced before
//	             the batch is first put)
//	        'D': nothing: the batch was stored and its subscribers ran
//
// A batch is one future log file: its records are the 'R' frames with its
// id, in spool order. Reading stops at the first frame of a segment that is
// short or fails its CRC (a write torn by a crash; its record was never
// acknowledged). A segment is deleted when every batch with a record in it
// or an older segment has its 'D' frame.
//
// Replay rebuilds every batch without a 'D' frame from its records, in batch
// order. A batch with a 'K' frame keeps its key: if the store already holds
// that key (the Put succeeded before the crash), the batch is not put again
// and its subscribers are not called (digest.Chain.Resume finds the file);
// else it is put under that key. A batch without 'K' was never put and gets
// a new key. No record is delivered twice and no acknowledged record is
// lost, whatever moment the process was killed at.
//
// # Errors
//
// Errors follow io/fs: a few sentinels to test with errors.Is (ErrNotFound,
// ErrExists, ErrUnsafeKey, ErrTooLarge, ErrMalformedKey,
// ErrMalformedLogFile, ErrInvalidRecord, ErrDeliveryFailed, …), wrapped in
// an *Error (an operation on an object, a key or the spool) or a
// *RecordError (a record that could not be read or written, with its
// position) that carries the evidence.
//
// # Where objects live
//
// A Location (bucket, trail prefix, organization id) says where a trail's
// objects are; WriterOptions and ScanOptions embed one, and DigestChain
// (one trail's digests for one account and Region) embeds one too.
//
// # Options
//
// Every constructor takes its options as a struct value, last:
// NewWriter(store, WriterOptions), NewDirStore(root, DirStoreOptions),
// ReadRecords(r, ReadOptions), Scan(ctx, store, ScanOptions). The zero value of every field selects the
// documented default; the fields that are required say so. Package digest
// follows the same convention.
package logfile
