//! Realistic sample events, a few per provider, for `hooksafe send --from-fixture NAME`: the body each provider sends
//! and the unsigned headers that name the event.

/// One sample delivery.
pub struct Fixture {
    pub name: &'static str,
    /// The scheme it belongs to, by name.
    pub scheme: &'static str,
    pub body: &'static str,
    pub headers: &'static [(&'static str, &'static str)],
}

pub const FIXTURES: &[Fixture] = &[
    Fixture {
        name: "stripe-invoice-paid",
        scheme: "stripe",
        body: r#"{"id":"evt_1PqR2sT3uV4wX5yZ","object":"event","api_version":"2024-06-20","created":1719835200,"type":"invoice.paid","livemode":false,"data":{"object":{"id":"in_1PqR2s","object":"invoice","amount_paid":4200,"currency":"usd","customer":"cus_Q1w2e3r4","status":"paid"}}}"#,
        headers: &[],
    },
    Fixture {
        name: "stripe-subscription-deleted",
        scheme: "stripe",
        body: r#"{"id":"evt_1PqR9zA8bC7dE6fG","object":"event","created":1719835300,"type":"customer.subscription.deleted","livemode":false,"data":{"object":{"id":"sub_1PqR9z","object":"subscription","status":"canceled","customer":"cus_Q1w2e3r4"}}}"#,
        headers: &[],
    },
    Fixture {
        name: "github-push",
        scheme: "github",
        body: r#"{"ref":"refs/heads/main","before":"6113728f27ae82c7b1a177c8d03f9e96e0adf246","after":"59b20b8d5c6ff8d09518454d4dd8b7b30f095ab5","repository":{"id":35129377,"full_name":"octo-org/octo-repo"},"pusher":{"name":"octocat"},"commits":[]}"#,
        headers: &[("x-github-event", "push")],
    },
    Fixture {
        name: "github-issue-opened",
        scheme: "github",
        body: r#"{"action":"opened","issue":{"number":1347,"title":"Found a bug","state":"open","user":{"login":"octocat"}},"repository":{"full_name":"octo-org/octo-repo"}}"#,
        headers: &[("x-github-event", "issues")],
    },
    Fixture {
        name: "standard-webhooks-user-created",
        scheme: "standard-webhooks",
        body: r#"{"type":"user.created","timestamp":"2024-07-01T12:00:00Z","data":{"id":"user_2Zx9","email":"ada@example.com"}}"#,
        headers: &[],
    },
    Fixture {
        name: "svix-user-created",
        scheme: "svix",
        body: r#"{"type":"user.created","data":{"id":"user_2Zx9","email_addresses":[{"email_address":"ada@example.com"}]}}"#,
        headers: &[],
    },
    Fixture {
        name: "shopify-orders-create",
        scheme: "shopify",
        body: r#"{"id":820982911946154508,"email":"jon@example.com","total_price":"199.65","currency":"USD","financial_status":"paid","line_items":[]}"#,
        headers: &[("x-shopify-topic", "orders/create"), ("x-shopify-shop-domain", "example.myshopify.com")],
    },
    Fixture {
        name: "slack-app-mention",
        scheme: "slack",
        body: r#"{"token":"unused","team_id":"T0001","type":"event_callback","event":{"type":"app_mention","user":"U0001","text":"<@U0002> hello","channel":"C0001"},"event_id":"Ev0001","event_time":1719835200}"#,
        headers: &[],
    },
    Fixture {
        name: "paddle-transaction-completed",
        scheme: "paddle",
        body: r#"{"event_id":"evt_01h8441jn5pcwrfhwh78jqt8hk","event_type":"transaction.completed","occurred_at":"2024-07-01T12:00:00.000Z","data":{"id":"txn_01h8441jn5","status":"completed"}}"#,
        headers: &[],
    },
    Fixture {
        name: "paypal-capture-completed",
        scheme: "paypal",
        body: r#"{"id":"WH-58D329510W468432D-8HN650336L201105X","event_type":"PAYMENT.CAPTURE.COMPLETED","resource_type":"capture","resource":{"id":"42311647XV020574X","amount":{"currency_code":"USD","value":"10.00"},"status":"COMPLETED"}}"#,
        headers: &[],
    },
];

/// The fixture named `name`.
pub fn find(name: &str) -> Option<&'static Fixture> {
    FIXTURES.iter().find(|fixture| fixture.name == name)
}
