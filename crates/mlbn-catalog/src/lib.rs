//! `mlbn-catalog` owns the facts: device, model, quantization, KV-cache, runtime and link
//! tables embedded as TOML data files (every number with its source), forgiving name
//! resolution with "did you mean", and import of a Hugging Face `config.json` (given as text).
//!
//! It must not depend on the syntax, the engine or any front end, and does no IO: data files
//! are compiled in with `include_str!`, and a local `config.json` arrives as a string.
#![forbid(unsafe_code)]

mod arch;
mod hf;
mod infer;
mod resolve;
mod schema;

pub use arch::ActiveSplit;
pub use hf::{HfImportError, model_from_hf_config, quant_hint_from_hf_config};
pub use infer::{InferredLink, STANDARD_LINKS, standard_link};
pub use resolve::{Resolution, normalize};
pub use schema::*;

use serde::Deserialize;
use std::sync::OnceLock;

#[derive(Debug, Default, Deserialize)]
struct DeviceFile {
    #[serde(default)]
    device: Vec<Device>,
}
#[derive(Debug, Default, Deserialize)]
struct ModelFile {
    #[serde(default)]
    model: Vec<Model>,
}
#[derive(Debug, Default, Deserialize)]
struct QuantFile {
    #[serde(default)]
    quant: Vec<Quant>,
    #[serde(default)]
    kv: Vec<KvType>,
}
#[derive(Debug, Default, Deserialize)]
struct RuntimeFile {
    #[serde(default)]
    runtime: Vec<Runtime>,
}
#[derive(Debug, Default, Deserialize)]
struct LinkFile {
    #[serde(default)]
    link: Vec<Link>,
}

/// The embedded data files, by name, so tests and `mlbn catalog` can point at them.
pub const DATA_FILES: &[(&str, &str)] = &[
    ("devices.toml", include_str!("../data/devices.toml")),
    ("models.toml", include_str!("../data/models.toml")),
    ("quants.toml", include_str!("../data/quants.toml")),
    ("runtimes.toml", include_str!("../data/runtimes.toml")),
    ("links.toml", include_str!("../data/links.toml")),
];

/// All tables plus their name indexes.
#[derive(Debug)]
pub struct Catalog {
    pub devices: Vec<Device>,
    pub models: Vec<Model>,
    pub quants: Vec<Quant>,
    pub kv_types: Vec<KvType>,
    pub runtimes: Vec<Runtime>,
    pub links: Vec<Link>,
    index: resolve::Indexes,
}

/// Why a data file could not be loaded (only reachable from a broken build or a test).
#[derive(Debug, Clone, PartialEq)]
pub struct LoadError {
    pub file: String,
    pub message: String,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

impl std::error::Error for LoadError {}

fn device_kind_key(kind: DeviceKind) -> &'static str {
    match kind {
        DeviceKind::Gpu => "gpu",
        DeviceKind::AppleSoc => "apple-soc",
        DeviceKind::Apu => "apu",
        DeviceKind::Cpu => "cpu",
        DeviceKind::Accelerator => "accelerator",
    }
}

fn parse<T: for<'de> Deserialize<'de>>(file: &str, text: &str) -> Result<T, LoadError> {
    toml::from_str(text).map_err(|e| LoadError {
        file: file.to_string(),
        message: e.to_string(),
    })
}

impl Catalog {
    /// The built-in catalog, parsed once on first use.
    pub fn builtin() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            // The data files are compiled in and checked by tests, so a failure here is a
            // build defect, not user input.
            Catalog::from_sources(DATA_FILES).expect("embedded catalog data is valid")
        })
    }

    /// Build a catalog from `(file name, TOML text)` pairs; names pick the table.
    pub fn from_sources(files: &[(&str, &str)]) -> Result<Catalog, LoadError> {
        let mut devices = Vec::new();
        let mut models = Vec::new();
        let mut quants = Vec::new();
        let mut kv_types = Vec::new();
        let mut runtimes = Vec::new();
        let mut links = Vec::new();
        for (name, text) in files {
            match *name {
                n if n.starts_with("devices") => {
                    devices.extend(parse::<DeviceFile>(n, text)?.device)
                }
                n if n.starts_with("models") => models.extend(parse::<ModelFile>(n, text)?.model),
                n if n.starts_with("quants") => {
                    let q = parse::<QuantFile>(n, text)?;
                    quants.extend(q.quant);
                    kv_types.extend(q.kv);
                }
                n if n.starts_with("runtimes") => {
                    runtimes.extend(parse::<RuntimeFile>(n, text)?.runtime)
                }
                n if n.starts_with("links") => links.extend(parse::<LinkFile>(n, text)?.link),
                n => {
                    return Err(LoadError {
                        file: n.to_string(),
                        message: "unknown catalog file".to_string(),
                    });
                }
            }
        }
        if !devices.is_empty()
            && !runtimes
                .iter()
                .any(|r| r.family == "llama.cpp" && r.backend == "auto")
        {
            // default_runtime_for needs a family entry to choose a backend from.
            return Err(LoadError {
                file: "runtimes.toml".to_string(),
                message: "devices need a `llama.cpp` family entry (backend = \"auto\")".to_string(),
            });
        }
        let index =
            resolve::Indexes::build(&devices, &models, &quants, &kv_types, &runtimes, &links)
                .map_err(|message| LoadError {
                    file: "catalog".to_string(),
                    message,
                })?;
        Ok(Catalog {
            devices,
            models,
            quants,
            kv_types,
            runtimes,
            links,
            index,
        })
    }

    /// Resolve a device name forgivingly: `rtx4090`, `GeForce RTX 4090 24GB`, `4090`,
    /// `M2 Ultra 192GB 76-core`, `Tesla V100 32GB (PCIe vs SXM not stated)`. Parenthesised text
    /// only ranks candidates; memory and GPU-core numbers pick variants; a family-only name
    /// picks the family default. The rules are in the `resolve` module's documentation.
    pub fn device(&self, name: &str) -> Resolution<'_, Device> {
        self.index.devices.resolve(name, &self.devices)
    }
    pub fn model(&self, name: &str) -> Resolution<'_, Model> {
        self.index.models.resolve(name, &self.models)
    }
    pub fn quant(&self, name: &str) -> Resolution<'_, Quant> {
        self.index.quants.resolve(name, &self.quants)
    }
    pub fn kv_type(&self, name: &str) -> Resolution<'_, KvType> {
        self.index.kv_types.resolve(name, &self.kv_types)
    }
    /// Resolve a runtime name: `llama.cpp (CUDA, May 2024)` → `llama.cpp-cuda`; a name without
    /// a backend (`llama.cpp b9626`, `vLLM 0.16.0`) → the family entry, whose backend
    /// [`Catalog::runtime_backend_for`] then picks per device.
    pub fn runtime(&self, name: &str) -> Resolution<'_, Runtime> {
        self.index.runtimes.resolve(name, &self.runtimes)
    }
    /// Resolve a link name (`pcie4`, `PCIe 4.0 x8`, `Thunderbolt 5, RDMA`, `nvlink`); see also
    /// [`Catalog::link_for_device`].
    pub fn link(&self, name: &str) -> Resolution<'_, Link> {
        self.index.links.resolve(name, &self.links)
    }

    /// Devices matching a free-text query (every word, or a word prefix), best first; all
    /// devices for an empty query. For `mlbn catalog devices QUERY`.
    pub fn search_devices(&self, query: &str) -> Vec<&Device> {
        self.index.devices.search(query, &self.devices)
    }
    pub fn search_runtimes(&self, query: &str) -> Vec<&Runtime> {
        self.index.runtimes.search(query, &self.runtimes)
    }
    pub fn search_links(&self, query: &str) -> Vec<&Link> {
        self.index.links.search(query, &self.links)
    }

    /// Resolve a link name in the context of a device: a bare family word (`nvlink`,
    /// `infinity fabric`) means the device's own link of that kind when it has one, so
    /// `2x rtx3090 nvlink` gets the 3090 bridge and `8x a100 nvlink` gets NVLink 3.
    pub fn link_for_device(&self, name: &str, device: &Device) -> Resolution<'_, Link> {
        let r = self.link(name);
        if let Resolution::Found(l) = &r
            && l.family_default
            && let Some(own) = device
                .interconnects
                .iter()
                .filter_map(|id| self.link_by_id(id))
                .find(|own| own.kind == l.kind)
        {
            return Resolution::Found(own);
        }
        r
    }

    /// The concrete runtime of `family` (`llama.cpp`, `vllm`, ...) for `device`: the family
    /// entry's `default_backends` picks it by `vendor-kind`, then `kind`, then `vendor`; a family
    /// without such a table gives its first entry that runs on the device's vendor.
    pub fn runtime_backend_for(&self, family: &str, device: &Device) -> Option<&Runtime> {
        let kind = device_kind_key(device.kind);
        let keys = [
            format!("{}-{kind}", device.vendor),
            kind.to_string(),
            device.vendor.clone(),
        ];
        let members = || self.runtimes.iter().filter(move |r| r.family == family);
        if let Some(fam) = members().find(|r| !r.default_backends.is_empty()) {
            return keys
                .iter()
                .find_map(|k| fam.default_backends.get(k))
                .and_then(|id| self.runtime_by_id(id));
        }
        members().find(|r| {
            r.runs_on
                .iter()
                .any(|v| *v == device.vendor || (device.kind == DeviceKind::Cpu && v == "cpu"))
        })
    }

    /// The runtime assumed when a scenario names none: llama.cpp with the device's backend
    /// (the runtime most single-stream local benchmarks use), or llama.cpp's CPU backend for a
    /// device no llama.cpp GPU backend supports. The loader guarantees the family entry exists.
    pub fn default_runtime_for(&self, device: &Device) -> &Runtime {
        self.runtime_backend_for("llama.cpp", device)
            .or_else(|| self.runtime_by_id("llama.cpp-cpu"))
            .or_else(|| {
                self.runtimes
                    .iter()
                    .find(|r| r.family == "llama.cpp" && r.backend == "auto")
            })
            .expect("loader checks that a llama.cpp family entry exists")
    }

    pub fn device_by_id(&self, id: &str) -> Option<&Device> {
        self.devices.iter().find(|d| d.id == id)
    }
    pub fn model_by_id(&self, id: &str) -> Option<&Model> {
        self.models.iter().find(|m| m.id == id)
    }
    pub fn quant_by_id(&self, id: &str) -> Option<&Quant> {
        self.quants.iter().find(|q| q.id == id)
    }
    pub fn runtime_by_id(&self, id: &str) -> Option<&Runtime> {
        self.runtimes.iter().find(|r| r.id == id)
    }
    pub fn link_by_id(&self, id: &str) -> Option<&Link> {
        self.links.iter().find(|l| l.id == id)
    }
}
