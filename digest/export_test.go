package digest

// Unexported helpers the external tests check.
var (
	KeyTime       = keyTime
	IsBackfillKey = isBackfillKey
)
