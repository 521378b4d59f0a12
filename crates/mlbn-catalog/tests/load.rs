use mlbn_catalog::{Catalog, Resolution};

#[test]
fn builtin_catalog_loads_and_resolves_forgivingly() {
    let cat = Catalog::builtin();
    for name in ["rtx4090", "RTX 4090", "GeForce RTX 4090 24GB", "4090"] {
        assert_eq!(
            cat.device(name).found().map(|d| d.id.as_str()),
            Some("rtx-4090"),
            "{name}"
        );
    }
    match cat.device("rtx4900") {
        Resolution::NotFound { suggestions } => assert!(suggestions.contains(&"rtx-4090".into())),
        other => panic!("expected NotFound, got {other:?}"),
    }
}
