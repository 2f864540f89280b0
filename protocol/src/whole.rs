//! Ids in request bodies as whole numbers, however they are written.
//!
//! JSON has one number type: `12` and `12.0` are the same number, JSON Schema calls both
//! integers, and a JavaScript client that computed an id may send either. serde's `u64`
//! takes only the first; these take both, and refuse fractions, negatives and numbers
//! past 2^53 (beyond which a float no longer names one whole number).

use serde::de::{Deserializer, Error, Unexpected, Visitor};

/// The largest whole number every JSON client holds exactly.
const MAX_EXACT: f64 = 9_007_199_254_740_992.0;

struct Whole;

impl Visitor<'_> for Whole {
    type Value = u64;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a whole number, 0 or more")
    }

    fn visit_u64<E: Error>(self, v: u64) -> Result<u64, E> {
        Ok(v)
    }

    fn visit_i64<E: Error>(self, v: i64) -> Result<u64, E> {
        u64::try_from(v).map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
    }

    fn visit_f64<E: Error>(self, v: f64) -> Result<u64, E> {
        if v.fract() == 0.0 && (0.0..=MAX_EXACT).contains(&v) {
            Ok(v as u64)
        } else {
            Err(E::invalid_value(Unexpected::Float(v), &self))
        }
    }
}

/// `#[serde(deserialize_with = "crate::whole::id")]`
pub fn id<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    d.deserialize_any(Whole)
}

/// `#[serde(default, deserialize_with = "crate::whole::optional_id")]`
pub fn optional_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    struct Optional;
    impl<'de> Visitor<'de> for Optional {
        type Value = Option<u64>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a whole number, 0 or more, or null")
        }
        fn visit_none<E: Error>(self) -> Result<Option<u64>, E> {
            Ok(None)
        }
        fn visit_unit<E: Error>(self) -> Result<Option<u64>, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<u64>, D::Error> {
            id(d).map(Some)
        }
    }
    d.deserialize_option(Optional)
}

/// An optional small whole number (an age), however it is written.
pub fn optional_small<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u8>, D::Error> {
    let n: Option<u64> = optional_id(d)?;
    n.map(|n| {
        u8::try_from(n).map_err(|_| D::Error::invalid_value(Unexpected::Unsigned(n), &"0 to 255"))
    })
    .transpose()
}

/// Small whole numbers (scores), however they are written:
/// `#[serde(deserialize_with = "crate::whole::small_numbers")]`.
pub fn small_numbers<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
    struct Small(u8);
    impl<'de> serde::Deserialize<'de> for Small {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Small, D::Error> {
            let n = d.deserialize_any(Whole)?;
            u8::try_from(n)
                .map(Small)
                .map_err(|_| D::Error::invalid_value(Unexpected::Unsigned(n), &"0 to 255"))
        }
    }
    let numbers: Vec<Small> = serde::Deserialize::deserialize(d)?;
    Ok(numbers.into_iter().map(|Small(n)| n).collect())
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    struct Body {
        #[serde(deserialize_with = "super::id")]
        ticket: u64,
        #[serde(default, deserialize_with = "super::optional_id")]
        other: Option<u64>,
    }

    fn parse(json: &str) -> Result<Body, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn scores_may_be_written_as_whole_floats() {
        #[derive(Deserialize, Debug)]
        struct Scores {
            #[serde(deserialize_with = "super::small_numbers")]
            answers: Vec<u8>,
        }
        let s: Scores = serde_json::from_str(r#"{"answers": [1, 3.0, 4]}"#).unwrap();
        assert_eq!(s.answers, [1, 3, 4]);
        assert!(serde_json::from_str::<Scores>(r#"{"answers": [1.5]}"#).is_err());
        assert!(serde_json::from_str::<Scores>(r#"{"answers": [256]}"#).is_err());
    }

    #[test]
    fn whole_numbers_are_taken_however_written() {
        assert_eq!(parse(r#"{"ticket": 12}"#).unwrap().ticket, 12);
        assert_eq!(parse(r#"{"ticket": 12.0}"#).unwrap().ticket, 12);
        assert_eq!(parse(r#"{"ticket": 1.2e1}"#).unwrap().ticket, 12);
        let both = parse(r#"{"ticket": 0, "other": 7.0}"#).unwrap();
        assert_eq!(both.other, Some(7));
        assert_eq!(
            parse(r#"{"ticket": 0, "other": null}"#).unwrap().other,
            None
        );
        assert_eq!(parse(r#"{"ticket": 0}"#).unwrap().other, None);
    }

    #[test]
    fn fractions_negatives_and_inexact_numbers_are_refused() {
        for bad in ["12.5", "-1", "-0.5", "1e300", "\"12\"", "true"] {
            let json = format!(r#"{{"ticket": {bad}}}"#);
            assert!(parse(&json).is_err(), "{bad} was taken");
        }
    }
}
