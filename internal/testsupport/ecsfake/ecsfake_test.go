package ecsfake

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestProtocolErrors(t *testing.T) {
	t.Parallel()
	s := New(t, Scenario{})
	tests := map[string]struct {
		target, auth, ctype string
		wantType            string
	}{
		"unsigned":      {target: targetPrefix + "DescribeServices", ctype: "application/x-amz-json-1.1", wantType: "MissingAuthenticationTokenException"},
		"unknown op":    {target: targetPrefix + "CreateCapacityProvider", auth: "AWS4-HMAC-SHA256 Credential=x", ctype: "application/x-amz-json-1.1", wantType: "UnknownOperationException"},
		"wrong service": {target: "DynamoDB_20120810.GetItem", auth: "AWS4-HMAC-SHA256 Credential=x", ctype: "application/x-amz-json-1.1", wantType: "UnknownOperationException"},
		"content type":  {target: targetPrefix + "DescribeServices", auth: "AWS4-HMAC-SHA256 Credential=x", ctype: "application/json", wantType: "SerializationException"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, s.URL, strings.NewReader(`{}`))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("X-Amz-Target", tc.target)
			req.Header.Set("Content-Type", tc.ctype)
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("X-Amzn-ErrorType") != tc.wantType || !strings.Contains(string(body), `"__type":"`+tc.wantType+`"`) {
				t.Errorf("status %d, type %q, body %s; want 400 %s", resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), body, tc.wantType)
			}
		})
	}
}
