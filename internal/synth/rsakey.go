package synth

import (
	"crypto/md5"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"math/big"
	"sync"
)

// signingKey is a CloudTrail digest signing key pair as the generator
// simulates it: the private key signs digests, the public key is what
// `aws cloudtrail list-public-keys` prints.
type signingKey struct {
	priv        *rsa.PrivateKey
	der         []byte // PKCS#1 RSAPublicKey, DER: list-public-keys' Value, base64
	fingerprint string // hex MD5 of der: digestPublicKeyFingerprint
}

var keyCache sync.Map // keyID → *signingKey

// digestKey returns the 2048-bit RSA key of seed and region. It is derived
// from the seed with the generator's own PCG stream and math/big's
// deterministic primality test, so the same seed gives the same key on
// every platform (crypto/rsa.GenerateKey draws from the system's secure
// randomness whatever reader it is given, and could not be reproduced).
// Keys are cached: generating one takes a fraction of a second.
func digestKey(seed uint64, region string) (*signingKey, error) {
	id := fmt.Sprintf("%d/%s", seed, region)
	if k, ok := keyCache.Load(id); ok {
		return k.(*signingKey), nil
	}
	g := newRNG(seed, 0x6b6579^hashString(region)) // "key"
	e := big.NewInt(65537)
	one := big.NewInt(1)
	var p, q *big.Int
	for {
		p, q = prime1024(g), prime1024(g)
		if p.Cmp(q) == 0 {
			continue
		}
		pm, qm := new(big.Int).Sub(p, one), new(big.Int).Sub(q, one)
		phi := new(big.Int).Mul(pm, qm)
		if new(big.Int).GCD(nil, nil, e, phi).Cmp(one) == 0 && new(big.Int).Mul(p, q).BitLen() == 2048 {
			break
		}
	}
	n := new(big.Int).Mul(p, q)
	phi := new(big.Int).Mul(new(big.Int).Sub(p, one), new(big.Int).Sub(q, one))
	d := new(big.Int).ModInverse(e, phi)
	priv := &rsa.PrivateKey{PublicKey: rsa.PublicKey{N: n, E: 65537}, D: d, Primes: []*big.Int{p, q}}
	if err := priv.Validate(); err != nil {
		return nil, fmt.Errorf("deriving the digest signing key: %w", err)
	}
	priv.Precompute()
	der := x509.MarshalPKCS1PublicKey(&priv.PublicKey)
	sum := md5.Sum(der)
	k := &signingKey{priv: priv, der: der, fingerprint: hex.EncodeToString(sum[:])}
	actual, _ := keyCache.LoadOrStore(id, k)
	return actual.(*signingKey), nil
}

// prime1024 draws odd 1024-bit numbers with the top two bits set (so a
// product of two has 2048 bits) until one is prime.
func prime1024(g *rng) *big.Int {
	b := make([]byte, 128)
	for {
		for i := 0; i < len(b); i += 8 {
			v := g.r.Uint64()
			for j := 0; j < 8; j++ {
				b[i+j] = byte(v >> (8 * j))
			}
		}
		b[0] |= 0xc0
		b[127] |= 1
		c := new(big.Int).SetBytes(b)
		if c.ProbablyPrime(20) {
			return c
		}
	}
}
