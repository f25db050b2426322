// Package digest implements CloudTrail log file integrity validation: the
// hourly, signed, chained digest files, and a validator that walks a chain
// exactly like `aws cloudtrail validate-logs` and checks more than it does.
//
// # Digest objects
//
// A chain belongs to one (account, delivering region, trail). Its digests
// are stored in the trail's bucket under
//
//	[<prefix>/]AWSLogs/[<org-id>/]<account>/CloudTrail-Digest/<region>/<YYYY>/<MM>/<DD>/
//	    <account>_CloudTrail-Digest_<region>_<trail>_<home-region>_<YYYYMMDD>T<HHMMSS>Z.json.gz
//
// where the time and date folders are the digest's end time (UTC, with
// seconds); backfill digests end in "_backfill.json.gz". The object body is
// one gzip member holding compact JSON with exactly these members, in this
// order (Digest.MarshalJSON writes them so; every '/' is escaped as "\/"):
//
//	awsAccountId, digestStartTime, digestEndTime, digestS3Bucket,
//	digestS3Object, digestPublicKeyFingerprint, digestSignatureAlgorithm,
//	newestEventTime, oldestEventTime, previousDigestS3Bucket,
//	previousDigestS3Object, previousDigestHashValue,
//	previousDigestHashAlgorithm, previousDigestSignature, logFiles
//
// and each logFiles entry: s3Bucket, s3Object, hashValue, hashAlgorithm,
// newestEventTime, oldestEventTime. Times are "2006-01-02T15:04:05Z".
// newestEventTime and oldestEventTime are null when logFiles is empty; the
// five previousDigest* members are null in a starting digest. hashValue is
// the lowercase hex SHA-256 of the log file's uncompressed bytes;
// previousDigestHashValue that of the previous digest's uncompressed bytes;
// previousDigestSignature the previous digest's signature.
//
// The object's user metadata holds "signature" (lowercase hex) and
// "signature-algorithm" ("SHA256withRSA"); a backfill digest's also holds
// "backfill-generation-timestamp" (ISO 8601). digestSignatureAlgorithm is
// "SHA256withRSA" and every hashAlgorithm "SHA-256". The signature is
// RSASSA-PKCS1-v1_5 with SHA-256 over the string to sign:
//
//	<digestEndTime> LF <digestS3Bucket>/<digestS3Object> LF
//	<hex SHA-256 of the uncompressed digest> LF <previousDigestSignature or "null">
//
// (no trailing newline). Public keys are identified by their fingerprint,
// the lowercase hex MD5 of the key's DER bytes as published (PKCS#1
// RSAPublicKey; SubjectPublicKeyInfo is accepted too). KeyRing loads and
// writes the JSON of `aws cloudtrail list-public-keys`.
//
// # Writing
//
// Digests are signed by a crypto.Signer holding an RSA key (an
// *rsa.PrivateKey, or a KMS or HSM key), given in ChainOptions or
// DigesterOptions; its fingerprint is that of x509.MarshalPKCS1PublicKey of
// the public key, so ParsePublicKey of those bytes gives Validate the key.
//
// A Chain receives logfile.Delivery values, typically as a logfile.Writer
// subscriber, and keeps one chain per (account, delivering Region) of the
// trail; Tick writes one digest per hour of delivery time, an empty one for
// a quiet hour, and Close writes the final digests. Deliveries not yet
// digested are held in memory. After a restart, Chain.Resume continues a
// stored chain and adds to its next digest the stored log files no digest
// lists (a crash left them out), read as streams through logfile.Store.Open.
//
// A Digester writes a chain from the store's listing instead, for a fleet:
// any number of writer processes only store log files, and one or more
// digester processes (on any hosts, with no coordinator) each list the
// chain's log folder every window, digest the files no digest lists yet,
// and store the window's digest with logfile.Store.PutIfAbsent under a key
// all of them compute alike; the losers continue from the winner's digest.
// See Digester for the rules and BENCHMARKS.md for the cost per window.
//
// # Validating
//
// Validate reads any logfile.Store, so a bucket copied to disk (logfile.NewDirStore)
// can be validated offline. It reproduces aws-cli's walk, statuses and
// output (package awscli prints validate-logs' exact lines) and adds
// strict checks aws-cli lacks (Finding): the previousDigestHashValue and
// previousDigestSignature links, SHA-256 only, bytes after a gzip member,
// log files listed twice, digests the walk skips, and digests missing at
// the newest end of the range, and log files of the chain's folder that
// no digest lists (FindingUnlisted). Report.OK is false when no digest was
// validated at all. Public keys come from a KeyRing. Keys read from a
// digest pass through the store, which refuses unsafe keys (logfile.CheckKey), so a hostile digest
// cannot make Validate read outside a directory store's root.
//
// Options follow package logfile's convention: one struct value, last
// (ChainOptions, DigesterOptions, ValidateOptions); the zero value of every
// field selects the documented default, and required fields say so. A
// chain is named by a logfile.DigestChain (its logfile.Location plus
// account, delivering Region, trail and home Region), embedded in each.
//
// Errors wrap one of the sentinels (ErrInvalidFormat, ErrTooLarge,
// ErrSignature, ErrNoPublicKeys, ErrChainClosed, ErrBadConfig) for
// errors.Is; *FormatError carries the field and value of malformed input
// and *HashError the listed and calculated hash of a log file that does
// not match its digest.
package digest
