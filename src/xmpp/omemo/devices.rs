//! An account's OMEMO device list: which devices (ids) can receive
//! encrypted messages. Each variant has its own list on its own PEP node;
//! a client publishes the whole list, so ours is merged, never overwritten
//! (the account's job: this file reads and builds).

use tokio_xmpp::minidom::Element;

use super::{DeviceId, MAX_DEVICES, OmemoXmlError, Version};
use crate::xmpp::util::element;

/// One device of a list; OMEMO 2 lets it carry a label ("Work laptop").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub id: DeviceId,
    pub label: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeviceList {
    pub devices: Vec<Device>,
}

/// A label longer than this is cut (it is shown, never trusted).
const MAX_LABEL_CHARS: usize = 64;

impl DeviceList {
    /// Reads a device list (the payload of the devices node's item). A
    /// device with a bad id is skipped, a repeated one counted once, and
    /// at most `MAX_DEVICES` are kept.
    pub fn parse(version: Version, el: &Element) -> Result<DeviceList, OmemoXmlError> {
        let (list, device) = match version {
            Version::Legacy => ("list", "device"),
            Version::V2 => ("devices", "device"),
        };
        if !el.is(list, version.ns()) {
            return Err(OmemoXmlError::NotOmemo);
        }
        let mut devices: Vec<Device> = Vec::new();
        for child in el.children().filter(|c| c.is(device, version.ns())) {
            let Some(id) = child.attr("id").and_then(|id| id.parse::<DeviceId>().ok()) else {
                continue;
            };
            if devices.iter().any(|d| d.id == id) {
                continue;
            }
            let label = match version {
                Version::Legacy => None,
                Version::V2 => child
                    .attr("label")
                    .map(|l| l.trim().chars().take(MAX_LABEL_CHARS).collect::<String>())
                    .filter(|l| !l.is_empty()),
            };
            devices.push(Device { id, label });
            if devices.len() == MAX_DEVICES {
                break;
            }
        }
        Ok(DeviceList { devices })
    }

    pub fn to_element(&self, version: Version) -> Element {
        let list = match version {
            Version::Legacy => "list",
            Version::V2 => "devices",
        };
        let mut el = Element::builder(list, version.ns()).build();
        for d in &self.devices {
            let id = d.id.to_string();
            let mut attrs = vec![("id", id.as_str())];
            if version == Version::V2
                && let Some(label) = &d.label
            {
                attrs.push(("label", label));
            }
            el.append_child(element("device", version.ns(), &attrs));
        }
        el
    }

    pub fn contains(&self, id: DeviceId) -> bool {
        self.devices.iter().any(|d| d.id == id)
    }

    /// This list with `device` added (or its label updated): what we
    /// publish when the list read from the server lacks our device. The
    /// others stay, whatever they are: other clients of ours.
    pub fn with(mut self, device: Device) -> DeviceList {
        match self.devices.iter_mut().find(|d| d.id == device.id) {
            Some(d) => d.label = device.label,
            None => self.devices.push(device),
        }
        self
    }

    /// This list without `id` (removing a stale device of ours is a user action).
    pub fn without(mut self, id: DeviceId) -> DeviceList {
        self.devices.retain(|d| d.id != id);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(xml: &str, version: Version) -> Result<DeviceList, OmemoXmlError> {
        let el: Element = xml.parse().unwrap_or_else(|e| panic!("{e}"));
        DeviceList::parse(version, &el)
    }

    fn ids(list: &DeviceList) -> Vec<u32> {
        list.devices.iter().map(|d| d.id.get()).collect()
    }

    #[test]
    fn both_variants_read_and_round_trip() {
        let legacy = parse(
            "<list xmlns='eu.siacs.conversations.axolotl'>\
             <device id='12345'/><device id='4223'/></list>",
            Version::Legacy,
        )
        .unwrap();
        assert_eq!(ids(&legacy), [12345, 4223]);
        let v2 = parse(
            "<devices xmlns='urn:xmpp:omemo:2'>\
             <device id='12345' label='Work laptop'/><device id='4223'/></devices>",
            Version::V2,
        )
        .unwrap();
        assert_eq!(v2.devices[0].label.as_deref(), Some("Work laptop"));
        for (list, version) in [(legacy, Version::Legacy), (v2, Version::V2)] {
            assert_eq!(
                DeviceList::parse(version, &list.to_element(version)),
                Ok(list)
            );
        }
    }

    #[test]
    fn odd_entries_are_skipped_not_fatal() {
        let list = parse(
            "<list xmlns='eu.siacs.conversations.axolotl'>\
             <device id='0'/><device id='x'/><device/><device id='4294967295'/>\
             <device id='7'/><device id='7'/><other id='8'/>\
             <device xmlns='urn:xmpp:omemo:2' id='9'/></list>",
            Version::Legacy,
        )
        .unwrap();
        assert_eq!(ids(&list), [7]);
        // The other variant's element is not this variant's list.
        assert_eq!(
            parse("<devices xmlns='urn:xmpp:omemo:2'/>", Version::Legacy),
            Err(OmemoXmlError::NotOmemo)
        );
    }

    #[test]
    fn a_huge_list_is_bounded_and_labels_are_cut() {
        let mut xml = String::from("<devices xmlns='urn:xmpp:omemo:2'>");
        for i in 1..=1000 {
            xml.push_str(&format!("<device id='{i}' label='{}'/>", "L".repeat(500)));
        }
        xml.push_str("</devices>");
        let list = parse(&xml, Version::V2).unwrap();
        assert_eq!(list.devices.len(), MAX_DEVICES);
        assert_eq!(
            list.devices[0].label.as_ref().map(|l| l.chars().count()),
            Some(MAX_LABEL_CHARS)
        );
    }

    #[test]
    fn our_device_is_merged_into_the_list_never_replacing_it() {
        let theirs = parse(
            "<list xmlns='eu.siacs.conversations.axolotl'><device id='5'/></list>",
            Version::Legacy,
        )
        .unwrap();
        let ours = Device {
            id: DeviceId::new(9).unwrap(),
            label: None,
        };
        let merged = theirs.with(ours.clone()).with(ours);
        assert_eq!(ids(&merged), [5, 9]);
        assert_eq!(ids(&merged.without(DeviceId::new(5).unwrap())), [9]);
    }
}
