// Command verify-token verifies a Scanlogin website token in Go, with the standard
// library only: the service's keys from its JWKS, the ES256 signature with crypto/ecdsa,
// then iss, aud, exp and that it is a website token.
//
//	SCANLOGIN_ISSUER=https://login.example.com SCANLOGIN_APP_ID=<app id> go run . <token>
//
// Prints the claims as JSON and exits 0, or prints why the token is refused and exits 1.
// In a web server, create one Verifier and call Verify on each request.
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

// Claims are the token's claims that a website uses.
type Claims struct {
	Issuer     string   `json:"iss"`
	Subject    string   `json:"sub"`
	Audience   audience `json:"aud"`
	IssuedAt   int64    `json:"iat"`
	Expires    int64    `json:"exp"`
	ID         string   `json:"jti"`
	UserPoolID string   `json:"userpool_id"`
	TokenUse   string   `json:"token_use"`
	Methods    []string `json:"amr"`
	SessionID  string   `json:"sid,omitempty"`
}

// audience is a JWT "aud": one string or an array of them.
type audience []string

func (a *audience) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*a = audience{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("aud is neither a string nor a list of strings")
	}
	*a = many
	return nil
}

func (a audience) MarshalJSON() ([]byte, error) {
	if len(a) == 1 {
		return json.Marshal(a[0])
	}
	return json.Marshal([]string(a))
}

// Verifier checks tokens of one issuer for one app (the audience).
type Verifier struct {
	Issuer   string
	Audience string
	JWKSURL  string
	// Leeway is the clock difference allowed for exp and iat.
	Leeway time.Duration
	Client *http.Client

	mu   sync.Mutex
	keys map[string]*ecdsa.PublicKey
}

// NewVerifier returns a Verifier with the JWKS at the issuer's /.well-known/jwks.json.
func NewVerifier(issuer, appID string) *Verifier {
	issuer = strings.TrimRight(issuer, "/")
	return &Verifier{
		Issuer:   issuer,
		Audience: appID,
		JWKSURL:  issuer + "/.well-known/jwks.json",
		Leeway:   30 * time.Second,
		Client:   &http.Client{Timeout: 30 * time.Second},
	}
}

// Verify returns the claims of a valid website token, or why it is not one.
func (v *Verifier) Verify(token string) (*Claims, error) {
	token = strings.TrimSpace(token)
	if len(token) > 7 && strings.EqualFold(token[:7], "bearer ") {
		token = strings.TrimSpace(token[7:])
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, errors.New("not a JWT")
	}
	var header struct {
		Alg string `json:"alg"`
		Typ string `json:"typ"`
		Kid string `json:"kid"`
	}
	if err := decodePart(parts[0], &header); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	// Only ES256: a token must never choose how it is checked ("none", HMAC with the public key).
	if header.Alg != "ES256" {
		return nil, fmt.Errorf("alg %q is not ES256", header.Alg)
	}
	// The same keys also sign the QR codes' payloads, with another typ: never accept those.
	if header.Typ != "" && header.Typ != "JWT" {
		return nil, fmt.Errorf("typ %q is not a token", header.Typ)
	}
	key, err := v.key(header.Kid)
	if err != nil {
		return nil, err
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(sig) != 64 {
		return nil, errors.New("malformed ES256 signature")
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
	if !ecdsa.Verify(key, digest[:], r, s) {
		return nil, errors.New("bad signature")
	}

	var c Claims
	if err := decodePart(parts[1], &c); err != nil {
		return nil, fmt.Errorf("claims: %w", err)
	}
	now := time.Now()
	switch {
	case c.Issuer != v.Issuer:
		return nil, fmt.Errorf("issuer %q is not %q", c.Issuer, v.Issuer)
	case !c.Audience.has(v.Audience):
		return nil, errors.New("the token is for another app (aud)")
	case c.Expires == 0 || now.After(time.Unix(c.Expires, 0).Add(v.Leeway)):
		return nil, errors.New("expired")
	case c.IssuedAt == 0 || time.Unix(c.IssuedAt, 0).After(now.Add(v.Leeway)):
		return nil, errors.New("issued in the future (iat)")
	case c.Subject == "" || c.ID == "":
		return nil, errors.New("sub or jti missing")
	// Website tokens come from a ticket exchange; the phone app's own tokens are refused.
	case c.TokenUse != "web":
		return nil, errors.New("not a website token")
	}
	return &c, nil
}

func (a audience) has(want string) bool {
	for _, s := range a {
		if s == want {
			return true
		}
	}
	return false
}

func decodePart(part string, into interface{}) error {
	raw, err := base64.RawURLEncoding.DecodeString(part)
	if err != nil {
		return errors.New("not base64url")
	}
	return json.Unmarshal(raw, into)
}

// key returns the public key with this id, fetching the JWKS when the id is new (a rotation).
func (v *Verifier) key(kid string) (*ecdsa.PublicKey, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if k, ok := v.keys[kid]; ok {
		return k, nil
	}
	keys, err := v.fetchKeys()
	if err != nil {
		return nil, err
	}
	v.keys = keys
	if k, ok := keys[kid]; ok {
		return k, nil
	}
	return nil, fmt.Errorf("no published key %q", kid)
}

func (v *Verifier) fetchKeys() (map[string]*ecdsa.PublicKey, error) {
	res, err := v.Client.Get(v.JWKSURL)
	if err != nil {
		return nil, fmt.Errorf("fetching the JWKS: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetching the JWKS: HTTP %d", res.StatusCode)
	}
	var set struct {
		Keys []struct {
			Kty, Crv, Kid, X, Y, Use string
		} `json:"keys"`
	}
	if err := json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(&set); err != nil {
		return nil, fmt.Errorf("reading the JWKS: %w", err)
	}
	keys := map[string]*ecdsa.PublicKey{}
	for _, k := range set.Keys {
		if k.Kty != "EC" || k.Crv != "P-256" || (k.Use != "" && k.Use != "sig") {
			continue
		}
		x, errX := base64.RawURLEncoding.DecodeString(k.X)
		y, errY := base64.RawURLEncoding.DecodeString(k.Y)
		if errX != nil || errY != nil {
			continue
		}
		pub := &ecdsa.PublicKey{Curve: elliptic.P256(), X: new(big.Int).SetBytes(x), Y: new(big.Int).SetBytes(y)}
		if !pub.Curve.IsOnCurve(pub.X, pub.Y) {
			continue
		}
		keys[k.Kid] = pub
	}
	return keys, nil
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: SCANLOGIN_ISSUER=... SCANLOGIN_APP_ID=... verify-token <token | ->")
		os.Exit(2)
	}
	issuer, appID := os.Getenv("SCANLOGIN_ISSUER"), os.Getenv("SCANLOGIN_APP_ID")
	if issuer == "" || appID == "" {
		fmt.Fprintln(os.Stderr, "set SCANLOGIN_ISSUER and SCANLOGIN_APP_ID")
		os.Exit(2)
	}
	token := os.Args[1]
	if token == "-" {
		in, _ := io.ReadAll(io.LimitReader(os.Stdin, 64<<10))
		token = string(in)
	}
	v := NewVerifier(issuer, appID)
	if url := os.Getenv("SCANLOGIN_JWKS_URL"); url != "" {
		v.JWKSURL = url
	}
	claims, err := v.Verify(token)
	if err != nil {
		fmt.Fprintln(os.Stderr, "invalid token:", err)
		os.Exit(1)
	}
	out, _ := json.Marshal(claims)
	fmt.Println(string(out))
}
