package logging

// ParseSigningKey lets the tests derive the public key of the signer Start
// builds from Options.SigningKeyPEM.
var ParseSigningKey = parseSigningKey
