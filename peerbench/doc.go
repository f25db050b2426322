// Package peerbench compares event's codec with the general-purpose Go JSON
// libraries (encoding/json, goccy/go-json, bytedance/sonic,
// segmentio/encoding, json-iterator) on the real-record corpus. It is a
// module of its own so that the core module's go.mod stays lean; it has
// only tests and benchmarks (see BENCHMARKS.md for the command).
package peerbench
