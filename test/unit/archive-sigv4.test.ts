// SigV4 against AWS's published examples: the Signature Version 4 test suite (service "service",
// 2015-08-30) and the S3 API reference's header-signing examples (examplebucket, 2013-05-24).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canonicalQuery, EMPTY_SHA256, encodePath, sha256Hex, sign, uriEncode } from '../../src/pipeline/archive/sigv4.js';

const SUITE = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const SUITE_AT = new Date('2015-08-30T12:36:00Z');
const SUITE_SCOPE = 'Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request';
const S3 = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const S3_AT = new Date('2013-05-24T00:00:00Z');
const S3_SCOPE = 'Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request';
const UNRESERVED = '-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

interface Vector {
  name: string;
  method: string;
  path?: string;
  query?: Array<[string, string]>;
  headers?: Record<string, string>;
  body?: string;
  signedHeaders: string;
  signature: string;
}

// aws-sig-v4-test-suite: <name>/<name>.authz
const suite: Vector[] = [
  { name: 'get-vanilla', method: 'GET', signedHeaders: 'host;x-amz-date', signature: '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31' },
  { name: 'post-vanilla', method: 'POST', signedHeaders: 'host;x-amz-date', signature: '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b' },
  {
    name: 'get-vanilla-query-order-key-case',
    method: 'GET',
    query: [['Param2', 'value2'], ['Param1', 'value1']],
    signedHeaders: 'host;x-amz-date',
    signature: 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500',
  },
  {
    name: 'get-vanilla-query-unreserved',
    method: 'GET',
    query: [[UNRESERVED, UNRESERVED]],
    signedHeaders: 'host;x-amz-date',
    signature: '9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197',
  },
  {
    name: 'get-vanilla-utf8-query',
    method: 'GET',
    query: [['ሴ', 'bar']],
    signedHeaders: 'host;x-amz-date',
    signature: '2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04',
  },
  {
    name: 'post-vanilla-query',
    method: 'POST',
    query: [['Param1', 'value1']],
    signedHeaders: 'host;x-amz-date',
    signature: '28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11',
  },
  {
    name: 'post-vanilla-query-nonunreserved',
    method: 'POST',
    query: [['@#$%^', ''], ['+', '/,?><`";:\\|][{}']],
    signedHeaders: 'host;x-amz-date',
    signature: '66c82657c86e26fb25238d0e69f011edc4c6df5ae71119d7cb98ed9b87393c1e',
  },
  {
    name: 'post-header-key-sort',
    method: 'POST',
    headers: { 'My-Header1': 'value1' },
    signedHeaders: 'host;my-header1;x-amz-date',
    signature: 'c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c',
  },
  {
    name: 'post-header-value-case',
    method: 'POST',
    headers: { 'My-Header1': 'VALUE1' },
    signedHeaders: 'host;my-header1;x-amz-date',
    signature: 'cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d',
  },
  {
    name: 'get-header-value-trim',
    method: 'GET',
    headers: { 'My-Header1': ' value1', 'My-Header2': '"a   b   c"' },
    signedHeaders: 'host;my-header1;my-header2;x-amz-date',
    signature: 'acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736',
  },
  {
    name: 'post-x-www-form-urlencoded',
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'Param1=value1',
    signedHeaders: 'content-type;host;x-amz-date',
    signature: 'ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a',
  },
];

describe('SigV4 signer', () => {
  for (const v of suite) {
    test(`AWS test suite: ${v.name}`, () => {
      const signed = sign(
        {
          method: v.method,
          origin: new URL('https://example.amazonaws.com'),
          path: v.path ?? '/',
          query: v.query,
          headers: v.headers,
          payloadHash: sha256Hex(v.body ?? ''),
          region: 'us-east-1',
          service: 'service',
          now: SUITE_AT,
        },
        SUITE,
      );
      assert.equal(signed.headers.authorization, `AWS4-HMAC-SHA256 ${SUITE_SCOPE}, SignedHeaders=${v.signedHeaders}, Signature=${v.signature}`);
      assert.equal(signed.headers['x-amz-date'], '20150830T123600Z');
    });
  }

  test('AWS test suite: get-vanilla canonical request and string to sign', () => {
    const signed = sign(
      { method: 'GET', origin: new URL('https://example.amazonaws.com'), path: '/', payloadHash: EMPTY_SHA256, region: 'us-east-1', service: 'service', now: SUITE_AT },
      SUITE,
    );
    assert.equal(signed.canonicalRequest, `GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n${EMPTY_SHA256}`);
    assert.equal(
      signed.stringToSign,
      'AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63',
    );
  });

  test('AWS test suite: post-sts-header-before (session token signed)', () => {
    const token =
      'AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==';
    const signed = sign(
      { method: 'POST', origin: new URL('https://example.amazonaws.com'), path: '/', payloadHash: EMPTY_SHA256, region: 'us-east-1', service: 'service', now: SUITE_AT },
      { ...SUITE, sessionToken: token },
    );
    assert.equal(
      signed.headers.authorization,
      `AWS4-HMAC-SHA256 ${SUITE_SCOPE}, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead`,
    );
    assert.equal(signed.headers['x-amz-security-token'], token);
  });

  // S3 API reference, "Signature calculation: transfer payload in a single chunk" examples.
  const s3 = (method: string, path: string, query: Array<[string, string]>, headers: Record<string, string>, payloadHash: string) =>
    sign({ method, origin: new URL('https://examplebucket.s3.amazonaws.com'), path, query, headers: { ...headers, 'x-amz-content-sha256': payloadHash }, payloadHash, region: 'us-east-1', service: 's3', now: S3_AT }, S3).headers.authorization;

  test('S3 examples: GET object with a range', () => {
    assert.equal(
      s3('GET', '/test.txt', [], { Range: 'bytes=0-9' }, EMPTY_SHA256),
      `AWS4-HMAC-SHA256 ${S3_SCOPE}, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41`,
    );
  });

  test('S3 examples: PUT object (a "$" in the key, a Date header, a payload)', () => {
    const body = sha256Hex('Welcome to Amazon S3.');
    assert.equal(
      s3('PUT', '/test$file.text', [], { Date: 'Fri, 24 May 2013 00:00:00 GMT', 'x-amz-storage-class': 'REDUCED_REDUNDANCY' }, body),
      `AWS4-HMAC-SHA256 ${S3_SCOPE}, SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd`,
    );
  });

  test('S3 examples: GET bucket lifecycle (a parameter without a value) and list objects', () => {
    assert.equal(
      s3('GET', '/', [['lifecycle', '']], {}, EMPTY_SHA256),
      `AWS4-HMAC-SHA256 ${S3_SCOPE}, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543`,
    );
    assert.equal(
      s3('GET', '/', [['prefix', 'J'], ['max-keys', '2']], {}, EMPTY_SHA256),
      `AWS4-HMAC-SHA256 ${S3_SCOPE}, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7`,
    );
  });

  test('encoding: unreserved kept, everything else percent-encoded as UTF-8 bytes; "/" kept in paths only', () => {
    assert.equal(uriEncode('a b/c~d+e$é'), 'a%20b%2Fc~d%2Be%24%C3%A9');
    assert.equal(encodePath('/bucket/a b/c~d+e$é'), '/bucket/a%20b/c~d%2Be%24%C3%A9');
    assert.equal(encodePath('bucket/x'), '/bucket/x');
    assert.equal(canonicalQuery([['b', '2'], ['a', 'x y'], ['a', '1']]), 'a=1&a=x%20y&b=2');
  });
});
