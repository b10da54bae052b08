//! host.json and the function.json files agree with the handler: binding names the routes
//! read, queue names from the app settings, the retry count the handler counts on, and the
//! executable the package ships.

use std::path::Path;

use serde_json::Value;

fn read(rel: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("host").join(rel);
    serde_json::from_slice(
        &std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn trigger(function: &str) -> Value {
    let doc = read(&format!("{function}/function.json"));
    doc["bindings"]
        .as_array()
        .expect("bindings")
        .iter()
        .find(|b| b["direction"] == "in")
        .cloned()
        .expect("an input binding")
}

#[test]
fn triggers_use_the_binding_names_and_queues_the_routes_expect() {
    let dispatch = trigger("dispatch");
    assert_eq!(
        (dispatch["type"].as_str(), dispatch["name"].as_str()),
        (Some("eventGridTrigger"), Some("event"))
    );
    for (function, queue) in [
        ("analyze-layer", "%LAYERWATCH_LAYER_QUEUE%"),
        ("assemble", "%LAYERWATCH_ASSEMBLE_QUEUE%"),
    ] {
        let t = trigger(function);
        assert_eq!(t["type"], "queueTrigger", "{function}");
        assert_eq!(t["name"], "msg", "{function}");
        assert_eq!(t["queueName"], queue, "{function}");
    }
    assert_eq!(trigger("refresh-advisories")["type"], "timerTrigger");
    for (function, route) in [("query", "query"), ("events", "events")] {
        let t = trigger(function);
        assert_eq!(
            (t["type"].as_str(), t["route"].as_str()),
            (Some("httpTrigger"), Some(route))
        );
    }
}

#[test]
fn host_json_matches_the_handler() {
    let host = read("host.json");
    assert_eq!(
        host["customHandler"]["description"]["defaultExecutablePath"],
        "azure-handler"
    );
    assert_eq!(
        host["customHandler"]["enableForwardingHttpRequest"], true,
        "query and events read plain HTTP"
    );
    assert_eq!(
        host["extensions"]["queues"]["maxDequeueCount"],
        azure_handler::functions::MAX_DEQUEUE_COUNT
    );
    assert_eq!(
        host["extensions"]["queues"]["messageEncoding"], "base64",
        "the adapter sends base64 text"
    );
}
