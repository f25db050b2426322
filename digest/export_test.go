package digest

// Unexported helpers and wire constants the external tests check.
var (
	KeyTime          = keyTime
	IsBackfillKey    = isBackfillKey
	SumHash          = sumHash
	ParseHash        = parseHash
	FingerprintOf    = fingerprintOf
	ParseFingerprint = parseFingerprint
	ParseSignature   = parseSignature
	StringToSign     = stringToSign
	Verify           = (*PublicKey).verify
)

const (
	SignatureAlgorithm      = signatureAlgorithm
	HashAlgorithm           = hashAlgorithm
	TimeFormat              = timeFormat
	MetaSignature           = metaSignature
	MetaSignatureAlgorithm  = metaSignatureAlgorithm
	MetaBackfillGeneratedAt = metaBackfillGeneratedAt
	DefaultMaxDigestSize    = defaultMaxDigestSize
	DefaultMaxLogFileSize   = defaultMaxLogFileSize
)
