module github.com/trailkit/trailkit

go 1.25

require (
	github.com/google/uuid v1.6.0
	github.com/klauspost/compress v1.20.3
)
