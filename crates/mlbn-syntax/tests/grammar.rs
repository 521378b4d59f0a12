//! Keeps `grammar/mlbn.ebnf` (normative) and `grammar/mlbn.tmLanguage.json` (editors) in step
//! with the parser's word lists.

use std::path::Path;

use mlbn_syntax::{KEYWORDS, OPTION_KEYS, STRATEGY_WORDS};

fn grammar_file(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../grammar")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The double-quoted alternatives of production `name` in the EBNF (it may span lines; it ends
/// where the next production starts).
fn production_words(ebnf: &str, name: &str) -> Vec<String> {
    let mut body = String::new();
    let mut inside = false;
    for line in ebnf.lines() {
        let starts_production = line.contains("::=");
        if starts_production {
            let lhs = line.split("::=").next().unwrap_or_default().trim();
            if inside {
                break;
            }
            if lhs == name {
                inside = true;
                body.push_str(line.split_once("::=").map_or("", |(_, r)| r));
                continue;
            }
        }
        if inside {
            body.push_str(line.split("/*").next().unwrap_or_default());
        }
    }
    assert!(inside, "production {name} not found in mlbn.ebnf");
    body.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

fn sorted(words: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = words.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

#[test]
fn ebnf_word_lists_match_the_parser() {
    let ebnf = grammar_file("mlbn.ebnf");
    for (production, words) in [
        ("Keyword", KEYWORDS),
        ("StrategyWord", STRATEGY_WORDS),
        ("OptionKey", OPTION_KEYS),
        ("DegreeKey", mlbn_syntax::DEGREE_KEYS),
    ] {
        let mut in_grammar = production_words(&ebnf, production);
        in_grammar.sort();
        assert_eq!(in_grammar, sorted(words), "production {production}");
    }
}

#[test]
fn ebnf_production_extraction_stops_at_the_next_production() {
    let ebnf = "A ::= \"a\" | \"b\"\n      | \"c\" /* \"not\" */\nB ::= \"d\"\n";
    assert_eq!(production_words(ebnf, "A"), ["a", "b", "c"]);
    assert_eq!(production_words(ebnf, "B"), ["d"]);
}

#[test]
fn textmate_grammar_is_json_and_names_every_word() {
    let text = grammar_file("mlbn.tmLanguage.json");
    let json: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(json["scopeName"], "source.mlbn");
    let repo = json["repository"].as_object().expect("repository");
    // Every include points at an existing rule.
    for p in json["patterns"].as_array().expect("patterns") {
        let include = p["include"].as_str().expect("include");
        assert!(repo.contains_key(&include[1..]), "missing rule {include}");
    }
    for (rule, words) in [("keyword", KEYWORDS), ("strategy", STRATEGY_WORDS)] {
        let regex = repo[rule]["match"].as_str().expect("match");
        assert_eq!(alternatives(regex), sorted(words), "TextMate rule `{rule}`");
    }
}

/// The words of the first `(?i:a|b|c)` group in a TextMate regex, sorted.
fn alternatives(regex: &str) -> Vec<String> {
    let start = regex.find("(?i:").expect("a (?i:…) group") + 4;
    let end = start + regex[start..].find(')').expect("closing )");
    let mut v: Vec<String> = regex[start..end].split('|').map(str::to_string).collect();
    v.sort();
    v
}
