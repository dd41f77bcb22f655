//! Schemes that sign the URL the provider called: Twilio, HubSpot v3, and custom schemes with `{method}` and `{url}`. Checked
//! against Twilio's published example and against Twilio's own Python SDK (`pip install twilio`,
//! `RequestValidator.compute_signature`), and `openssl dgst -hmac` for the custom scheme.

use hooksafe::sign::Signer;
use hooksafe::{Algorithm, ConfigError, Custom, Encoding, ErrorKind, Scheme, Verifier};
use http::{HeaderValue, Method, Request};
use time::OffsetDateTime;

const TOKEN: &str = "12345";

fn twilio() -> Verifier {
    Verifier::builder(Scheme::Twilio).secret(TOKEN).dangerous_allow_short_secrets().build().unwrap()
}

fn post(uri: &str, content_type: &str, signature: &str, body: &str) -> Request<Vec<u8>> {
    let mut request = Request::new(body.as_bytes().to_vec());
    *request.method_mut() = Method::POST;
    *request.uri_mut() = uri.parse().unwrap();
    let headers = request.headers_mut();
    headers.insert("content-type", HeaderValue::from_str(content_type).unwrap());
    headers.insert("x-twilio-signature", HeaderValue::from_str(signature).unwrap());
    request
}

const FORM: &str = "application/x-www-form-urlencoded";
// Source: TwilioDevEd/api-snippets, `security/signature_validation/signature_validation.3.x.js`.
const EXAMPLE_URL: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";
const EXAMPLE_BODY: &str =
    "CallSid=CA1234567890ABCDE&Caller=%2B14158675310&Digits=1234&From=%2B14158675310&To=%2B18005551212";
const EXAMPLE_SIGNATURE: &str = "GvWf1cFY/Q7PnoempGyD5oXAezc=";

#[test]
fn accepts_twilios_published_example_with_an_absolute_uri() {
    let request = post(EXAMPLE_URL, FORM, EXAMPLE_SIGNATURE, EXAMPLE_BODY);
    let verified = twilio().verify(&request).unwrap();
    assert_eq!(verified.key_id(), "1");
    assert_eq!(verified.timestamp(), None, "Twilio signs no timestamp");
}

#[test]
fn behind_a_proxy_the_public_url_is_followed_by_the_path_and_query() {
    let verifier = Verifier::builder(Scheme::Twilio)
        .secret(TOKEN)
        .dangerous_allow_short_secrets()
        .public_url("https://mycompany.com")
        .build()
        .unwrap();
    let request = post("/myapp.php?foo=1&bar=2", FORM, EXAMPLE_SIGNATURE, EXAMPLE_BODY);
    let (parts, body) = request.into_parts();
    assert!(verifier.verify((&parts, &body)).is_ok());
    // The same request seen at another path, or with its query reordered, is not what Twilio signed.
    for uri in ["/other.php?foo=1&bar=2", "/myapp.php?bar=2&foo=1"] {
        let (parts, body) = post(uri, FORM, EXAMPLE_SIGNATURE, EXAMPLE_BODY).into_parts();
        assert_eq!(verifier.verify((&parts, &body)).unwrap_err().kind(), ErrorKind::InvalidSignature, "{uri}");
    }
}

#[test]
fn a_tampered_parameter_or_a_wrong_token_is_rejected() {
    let tampered = EXAMPLE_BODY.replace("Digits=1234", "Digits=9999");
    let error = twilio().verify(&post(EXAMPLE_URL, FORM, EXAMPLE_SIGNATURE, &tampered)).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidSignature);
    let other = Verifier::builder(Scheme::Twilio).secret("54321").dangerous_allow_short_secrets().build().unwrap();
    let error = other.verify(&post(EXAMPLE_URL, FORM, EXAMPLE_SIGNATURE, EXAMPLE_BODY)).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidSignature);
}

// Computed with twilio-python: `compute_signature(url, {})` where url carries the body's SHA-256.
const JSON_BODY: &str = r#"{"property": "value", "boolean": true}"#;
const JSON_HASH: &str = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
const JSON_SIGNATURE: &str = "y77kIzt2vzLz71DgmJGsen2scGs=";
// The same URL with `:443`, which twilio-python's `validate` also accepts for the URL without a port.
const JSON_SIGNATURE_WITH_PORT: &str = "DvyhxKdj6iwN6iLOt+UHx5yLUaw=";

#[test]
fn a_json_body_is_covered_by_the_urls_body_hash() {
    let url = format!("https://mycompany.com/myapp.php?bodySHA256={JSON_HASH}");
    for signature in [JSON_SIGNATURE, JSON_SIGNATURE_WITH_PORT] {
        let request = post(&url, "application/json", signature, JSON_BODY);
        assert!(twilio().verify(&request).is_ok(), "{signature}");
    }
    let tampered = post(&url, "application/json", JSON_SIGNATURE, r#"{"property": "other", "boolean": true}"#);
    assert_eq!(twilio().verify(&tampered).unwrap_err().kind(), ErrorKind::InvalidSignature);
    let twice = format!("{url}&bodySHA256={JSON_HASH}");
    let error = twilio().verify(&post(&twice, "application/json", JSON_SIGNATURE, JSON_BODY)).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::MalformedBody);
    // Without the hash, a JSON body is not something Twilio signs.
    let unhashed = post(EXAMPLE_URL, "application/json", JSON_SIGNATURE, JSON_BODY);
    assert_eq!(twilio().verify(&unhashed).unwrap_err().kind(), ErrorKind::MalformedBody);
}

#[test]
fn a_signature_for_another_port_is_rejected() {
    // twilio-python signs this for `:8443`; its `validate` accepts it there and rejects it without the port.
    let signature = "YXh1DaSxCIKjrn3ypnkkUVJGEpY=";
    let at_8443 = format!("https://mycompany.com:8443/myapp.php?bodySHA256={JSON_HASH}");
    assert!(twilio().verify(&post(&at_8443, "application/json", signature, JSON_BODY)).is_ok());
    let default_port = format!("https://mycompany.com/myapp.php?bodySHA256={JSON_HASH}");
    let error = twilio().verify(&post(&default_port, "application/json", signature, JSON_BODY)).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidSignature);
}

#[test]
fn repeated_parameters_are_sorted_and_de_duplicated_as_twilio_python_does() {
    // twilio-python: compute_signature("https://example.com/sms", {"To": ["+2", "+1", "+1"], "A": ["x"]}).
    let request = post("https://example.com/sms", FORM, "XuUSIRgpClPyoNgKeCQyjb0ximE=", "To=%2B2&A=x&To=%2B1&To=%2B1");
    assert!(twilio().verify(&request).is_ok());
}

#[test]
fn twilio_without_the_url_is_a_server_error_that_says_what_to_configure() {
    let request = post(EXAMPLE_URL, FORM, EXAMPLE_SIGNATURE, EXAMPLE_BODY);
    let error = twilio().verify((request.headers(), request.body())).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::RequestLineRequired);
    assert_eq!(error.status(), 500);
    let (parts, body) = post("/myapp.php?foo=1&bar=2", FORM, EXAMPLE_SIGNATURE, EXAMPLE_BODY).into_parts();
    let error = twilio().verify((&parts, &body)).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::PublicUrlRequired);
    assert!(error.to_string().contains("public_url"), "{error}");
}

#[test]
fn more_form_parameters_than_twilio_sends_are_refused() {
    let body = (0..600).map(|index| format!("p{index}=v")).collect::<Vec<_>>().join("&");
    let error = twilio().verify(&post(EXAMPLE_URL, FORM, EXAMPLE_SIGNATURE, &body)).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::MalformedBody);
}

#[test]
fn the_test_kit_signs_a_twilio_form_request() {
    let signer = Signer::new(Scheme::Twilio, TOKEN).unwrap().public_url("https://mycompany.com").unwrap();
    let request = signer
        .request("/myapp.php?foo=1&bar=2".parse().unwrap(), "idem-1", OffsetDateTime::now_utc(), EXAMPLE_BODY.into())
        .unwrap();
    assert_eq!(request.headers()["x-twilio-signature"], EXAMPLE_SIGNATURE);
    let verifier = Verifier::builder(Scheme::Twilio)
        .secret(TOKEN)
        .dangerous_allow_short_secrets()
        .public_url("https://mycompany.com")
        .build()
        .unwrap();
    let (parts, body) = request.into_parts();
    let verified = verifier.verify((&parts, &body)).unwrap();
    assert_eq!(verified.id(), Some("idem-1"));
    assert!(!verified.id_is_signed());
}

#[test]
fn public_urls_are_checked_at_build() {
    for bad in ["mycompany.com", "https://mycompany.com/?a=1", "ftp://mycompany.com"] {
        let built =
            Verifier::builder(Scheme::Twilio).secret(TOKEN).dangerous_allow_short_secrets().public_url(bad).build();
        assert!(matches!(built, Err(ConfigError::InvalidPublicUrl(_))), "{bad}");
    }
}

#[test]
fn a_custom_scheme_signs_the_method_and_url_with_hmac_sha512() {
    // `printf 'POST https://hooks.example.com/acme?x=1\n{"a":1}' | openssl dgst -sha512 -hmac acme-secret`
    let expected = "565eb56d3109d50e6204a9c7f41e02f62fc90cd20d6ee4e109c3b3e75460b6217a41ed22314fd5f986b5824ac3128cbf0069c3518dcd694c0577781e0a8da35b";
    let acme = Custom::new("x-acme-signature")
        .algorithm(Algorithm::HmacSha512)
        .encoding(Encoding::Hex)
        .signed_content("{method} {url}\n{body}");
    let verifier = Verifier::builder(Scheme::Custom(acme)).secret("acme-secret").build().unwrap();
    let mut request = post("https://hooks.example.com/acme?x=1", "application/json", "x", r#"{"a":1}"#);
    request.headers_mut().insert("x-acme-signature", HeaderValue::from_static(expected));
    assert!(verifier.verify(&request).is_ok());
    *request.method_mut() = Method::PUT;
    assert_eq!(verifier.verify(&request).unwrap_err().kind(), ErrorKind::InvalidSignature);
    let error = verifier.verify((request.headers(), request.body())).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::RequestLineRequired);
}

// Source: HubSpot/hubspot-api-python, `tests/spec/utils/test_signature.py` (v3), checked with
// `printf "POST<url><body>15000000" | openssl dgst -sha256 -hmac <secret> -binary | base64`.
const HUBSPOT_SECRET: &str = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy";
const HUBSPOT_BODY: &str = "{'example_field':'example_value'}";

fn hubspot_request(method: Method, uri: &str, timestamp: &str) -> Request<Vec<u8>> {
    let mut request = Request::new(HUBSPOT_BODY.as_bytes().to_vec());
    *request.method_mut() = method;
    *request.uri_mut() = uri.parse().unwrap();
    let headers = request.headers_mut();
    headers.insert("x-hubspot-signature-v3", HeaderValue::from_static("HPW73RUtKmcYoEDADG0s6MmGFWUzWJKAW07r8RDgcQw="));
    headers.insert("x-hubspot-request-timestamp", HeaderValue::from_str(timestamp).unwrap());
    request
}

#[test]
fn accepts_hubspots_published_v3_example_and_signs_method_url_body_and_milliseconds() {
    let verifier = Verifier::builder(Scheme::HubSpot).secret(HUBSPOT_SECRET).build().unwrap();
    // The example's timestamp is 15 000 000 ms: the clock is pinned to 15 000 s.
    let at = |seconds| OffsetDateTime::from_unix_timestamp(seconds).unwrap();
    let genuine = hubspot_request(Method::POST, "https://www.example.com/webhook_uri", "15000000");
    let (parts, body) = genuine.into_parts();
    let verified = verifier.verify_at((&parts, &body), at(15_000)).unwrap();
    assert_eq!(verified.timestamp(), Some(at(15_000)));
    assert_eq!(verifier.verify_at((&parts, &body), at(15_301)).unwrap_err().kind(), ErrorKind::TimestampTooOld);
    for (method, uri, timestamp) in [
        (Method::PUT, "https://www.example.com/webhook_uri", "15000000"),
        (Method::POST, "https://www.example.com/webhook_uri?x=1", "15000000"),
        (Method::POST, "https://www.example.com/webhook_uri", "15000001"),
    ] {
        let (parts, body) = hubspot_request(method, uri, timestamp).into_parts();
        let error = verifier.verify_at((&parts, &body), at(15_000)).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidSignature, "{uri} {timestamp}");
    }
    let error = verifier.verify_at((&parts.headers, &body), at(15_000)).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::RequestLineRequired);
}

#[test]
fn the_test_kit_signs_a_hubspot_request_behind_a_proxy() {
    let signer = Signer::new(Scheme::HubSpot, HUBSPOT_SECRET).unwrap().public_url("https://hooks.example.com").unwrap();
    let now = OffsetDateTime::now_utc();
    let request =
        signer.request("/hubspot?portal=1".parse().unwrap(), "", now, br#"[{"eventId":1}]"#.to_vec()).unwrap();
    let verifier = Verifier::builder(Scheme::HubSpot)
        .secret(HUBSPOT_SECRET)
        .public_url("https://hooks.example.com")
        .build()
        .unwrap();
    assert!(verifier.verify(&request).is_ok());
}

// Source: HubSpot's "Validating requests" docs (v1 and v2 examples; v2 also in the Node and PHP SDK tests), checked with
// `printf '<secret><body>' | sha256sum` (v1) and `printf '<secret>POST<url><body>' | sha256sum` (v2).
const HUBSPOT_V1_BODY: &str = r#"[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]"#;
const HUBSPOT_V1_SIGNATURE: &str = "232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de";
const HUBSPOT_V2_BODY: &str = r#"{"example_field":"example_value"}"#;
const HUBSPOT_V2_SIGNATURE: &str = "9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900";

fn hubspot_legacy(version: &str, signature: &str, uri: &str, body: &str) -> Request<Vec<u8>> {
    let mut request = Request::new(body.as_bytes().to_vec());
    *request.method_mut() = Method::POST;
    *request.uri_mut() = uri.parse().unwrap();
    let headers = request.headers_mut();
    headers.insert("x-hubspot-signature", HeaderValue::from_str(signature).unwrap());
    headers.insert("x-hubspot-signature-version", HeaderValue::from_str(version).unwrap());
    request
}

#[test]
fn accepts_hubspots_published_v1_and_v2_examples_as_bare_sha256_digests() {
    let v1 = Verifier::builder(Scheme::HubSpotV1).secret(HUBSPOT_SECRET).build().unwrap();
    let request = hubspot_legacy("v1", HUBSPOT_V1_SIGNATURE, "/hubspot", HUBSPOT_V1_BODY);
    let verified = v1.verify((request.headers(), request.body())).unwrap();
    assert_eq!((verified.id(), verified.timestamp()), (None, None));
    assert_eq!(v1.verify((request.headers(), b"[]")).unwrap_err().kind(), ErrorKind::InvalidSignature);

    let v2 = Verifier::builder(Scheme::HubSpotV2).secret(HUBSPOT_SECRET).build().unwrap();
    let url = "https://www.example.com/webhook_uri";
    assert!(v2.verify(&hubspot_legacy("v2", HUBSPOT_V2_SIGNATURE, url, HUBSPOT_V2_BODY)).is_ok());
    let mut put = hubspot_legacy("v2", HUBSPOT_V2_SIGNATURE, url, HUBSPOT_V2_BODY);
    *put.method_mut() = Method::PUT;
    assert_eq!(v2.verify(&put).unwrap_err().kind(), ErrorKind::InvalidSignature);
    let elsewhere = hubspot_legacy("v2", HUBSPOT_V2_SIGNATURE, "https://www.example.com/other", HUBSPOT_V2_BODY);
    assert_eq!(v2.verify(&elsewhere).unwrap_err().kind(), ErrorKind::InvalidSignature);

    // The digest is not an HMAC: the same secret under HMAC-SHA256 (v3's MAC) gives another value.
    let wrong = Verifier::builder(Scheme::HubSpotV1).secret("another-client-secret").build().unwrap();
    assert_eq!(wrong.verify((request.headers(), request.body())).unwrap_err().kind(), ErrorKind::InvalidSignature);
}

#[test]
fn a_hubspot_legacy_verifier_refuses_a_request_that_names_another_version() {
    let v1 = Verifier::builder(Scheme::HubSpotV1).secret(HUBSPOT_SECRET).build().unwrap();
    let request = hubspot_legacy("v2", HUBSPOT_V1_SIGNATURE, "/hubspot", HUBSPOT_V1_BODY);
    let error = v1.verify((request.headers(), request.body())).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::MalformedHeader);
    assert_eq!(error.header_name().unwrap(), "x-hubspot-signature-version");
    // The test kit signs both versions the same way.
    for scheme in [Scheme::HubSpotV1, Scheme::HubSpotV2] {
        let signer = Signer::new(scheme.clone(), HUBSPOT_SECRET).unwrap();
        let uri = "https://hooks.example.com/hubspot".parse().unwrap();
        let signed = signer.request(uri, "", OffsetDateTime::now_utc(), b"[]".to_vec()).unwrap();
        let verifier = Verifier::builder(scheme.clone()).secret(HUBSPOT_SECRET).build().unwrap();
        assert!(verifier.verify(&signed).is_ok(), "{scheme:?}");
    }
}

#[test]
fn mandrill_signs_the_configured_url_and_the_sorted_form_fields_with_sha1() {
    // `printf 'https://hooks.example.com/mandrillmandrill_events<json>' | openssl dgst -sha1 -hmac mandrill-webhook-key
    // -binary | base64`
    let body = "mandrill_events=%5B%7B%22event%22%3A%22send%22%2C%22_id%22%3A%22abc%22%7D%5D";
    let verifier = Verifier::builder(Scheme::Mandrill)
        .secret("mandrill-webhook-key")
        .public_url("https://hooks.example.com")
        .build()
        .unwrap();
    let mut request = Request::new(body.as_bytes().to_vec());
    *request.method_mut() = Method::POST;
    *request.uri_mut() = "/mandrill".parse().unwrap();
    request.headers_mut().insert("content-type", HeaderValue::from_static("application/x-www-form-urlencoded"));
    request.headers_mut().insert("x-mandrill-signature", HeaderValue::from_static("/WNM1YZ8j5N3mTnnOk9JFoSkEnM="));
    assert!(verifier.verify(&request).is_ok());
    *request.uri_mut() = "/mandrill-other".parse().unwrap();
    assert_eq!(verifier.verify(&request).unwrap_err().kind(), ErrorKind::InvalidSignature);
    assert_eq!(
        verifier.verify((request.headers(), request.body())).unwrap_err().kind(),
        ErrorKind::RequestLineRequired
    );
    request.headers_mut().insert("content-type", HeaderValue::from_static("application/json"));
    assert_eq!(verifier.verify(&request).unwrap_err().kind(), ErrorKind::MalformedBody);
}

#[test]
fn contentful_signs_the_method_the_twice_escaped_path_the_listed_headers_and_the_body() {
    // Python's `hmac`, with `urllib.parse.quote` standing in for `encodeURI` (safe `;,/?:@&=+$-_.!~*'()#`) and for
    // `querystring.escape` (safe `-_.!~*'()`), over `POST\n/hooks/cf?q%253D1%2526w%253D2\n<headers>\n<body>`.
    let secret = format!("contentful-secret-{}", "x".repeat(46));
    let verifier = Verifier::builder(Scheme::Contentful).secret(&secret).build().unwrap();
    let request = |uri: &str, signature: &str| {
        let mut request = Request::new(br#"{"sys":{"id":"entry1"}}"#.to_vec());
        *request.method_mut() = Method::POST;
        *request.uri_mut() = uri.parse().unwrap();
        let headers = request.headers_mut();
        headers.insert("x-contentful-timestamp", HeaderValue::from_static("1700000000123"));
        headers.insert("x-contentful-crn", HeaderValue::from_static("crn:contentful:::content:spaces/s1"));
        headers.insert(
            "x-contentful-signed-headers",
            HeaderValue::from_static("x-contentful-timestamp, X-Contentful-CRN"),
        );
        headers.insert("x-contentful-signature", HeaderValue::from_str(signature).unwrap());
        request
    };
    let now = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
    let with_query = request("/hooks/cf?q=1&w=2", "02bd92ce20c413ecc0a1648c8cc460c829e208fb302a1acb4d80f444430535cc");
    let (parts, body) = with_query.into_parts();
    assert!(verifier.verify_at((&parts, &body), now).is_ok());
    let (parts, body) =
        request("/hooks/cf", "fbbc07756595e549b355e621dc889ddb6ad175a36abddc57c7d9ca8616f9b810").into_parts();
    assert!(verifier.verify_at((&parts, &body), now).is_ok());
    let late = now + time::Duration::seconds(31);
    assert_eq!(verifier.verify_at((&parts, &body), late).unwrap_err().kind(), ErrorKind::TimestampTooOld);
    // A listed header that did not arrive is refused; a list without the timestamp is malformed.
    let (mut parts, body) =
        request("/hooks/cf", "fbbc07756595e549b355e621dc889ddb6ad175a36abddc57c7d9ca8616f9b810").into_parts();
    parts.headers.remove("x-contentful-crn");
    assert_eq!(verifier.verify_at((&parts, &body), now).unwrap_err().kind(), ErrorKind::MissingHeader);
    parts.headers.insert("x-contentful-signed-headers", HeaderValue::from_static("x-contentful-signature"));
    assert_eq!(verifier.verify_at((&parts, &body), now).unwrap_err().kind(), ErrorKind::MalformedHeader);
}
