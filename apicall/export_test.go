package apicall

// Reduce lets the tests reduce a record without a server.
var Reduce = reduce
