//! The Survei Kepuasan Masyarakat (SKM) of Permenpan RB 14/2017: nine unsur, each asked
//! with the regulation's question and four answers scored 1 to 4.

use serde::{Deserialize, Serialize};

/// How many unsur the regulation asks about.
pub const UNSUR_COUNT: usize = 9;

/// `POST /api/v1/surveys`: one visitor's answers about the visit of a finished ticket.
/// Anonymous: nothing names the respondent; the ticket only ties the answers to the
/// service and counter, and allows one answer per visit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SurveyRequest {
    /// The ticket's tracking secret (the phone page's link, or the counter tablet's).
    pub track_token: String,
    /// Scores 1–4 for U1…U9, in the regulation's order.
    #[serde(deserialize_with = "crate::whole::small_numbers")]
    #[cfg_attr(feature = "openapi", schema(schema_with = answers_schema))]
    pub answers: Vec<u8>,
    #[serde(default)]
    pub profile: Option<SurveyProfile>,
    /// Saran dan masukan (at most 1,000 characters).
    #[serde(default)]
    pub suggestion: Option<String>,
}

/// Nine whole numbers from 1 to 4, as the document says it.
#[cfg(feature = "openapi")]
fn answers_schema() -> utoipa::openapi::Array {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, SchemaType, Type};
    let score = ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::Integer))
        .minimum(Some(1))
        .maximum(Some(4));
    ArrayBuilder::new()
        .items(score)
        .min_items(Some(UNSUR_COUNT))
        .max_items(Some(UNSUR_COUNT))
        .description(Some("Scores 1–4 for U1…U9, in the regulation's order."))
        .build()
}

/// The optional respondent profile of the regulation's questionnaire.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SurveyProfile {
    /// Jenis kelamin: `l` (laki-laki) or `p` (perempuan).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(pattern = "^(l|p)$"))]
    pub gender: Option<String>,
    /// Usia in years (15–100).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::whole::optional_small"
    )]
    #[cfg_attr(feature = "openapi", schema(minimum = 15, maximum = 100))]
    pub age: Option<u8>,
    /// Pendidikan: `sd`, `smp`, `sma`, `diploma`, `s1`, `s2`, `s3`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^(sd|smp|sma|diploma|s1|s2|s3)$")
    )]
    pub education: Option<String>,
    /// Pekerjaan: `pns`, `tni`, `polri`, `swasta`, `wirausaha`, `pelajar`, `lainnya`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^(pns|tni|polri|swasta|wirausaha|pelajar|lainnya)$")
    )]
    pub occupation: Option<String>,
}

pub const GENDERS: [&str; 2] = ["l", "p"];
pub const EDUCATIONS: [&str; 7] = ["sd", "smp", "sma", "diploma", "s1", "s2", "s3"];
pub const OCCUPATIONS: [&str; 7] = [
    "pns",
    "tni",
    "polri",
    "swasta",
    "wirausaha",
    "pelajar",
    "lainnya",
];

impl SurveyProfile {
    /// What of the profile is not one of the questionnaire's choices, if anything.
    pub fn invalid_field(&self) -> Option<&'static str> {
        let outside = |v: &Option<String>, allowed: &[&str]| {
            v.as_deref().is_some_and(|v| !allowed.contains(&v))
        };
        if outside(&self.gender, &GENDERS) {
            return Some("gender");
        }
        if self.age.is_some_and(|a| !(15..=100).contains(&a)) {
            return Some("age");
        }
        if outside(&self.education, &EDUCATIONS) {
            return Some("education");
        }
        if outside(&self.occupation, &OCCUPATIONS) {
            return Some("occupation");
        }
        None
    }
}

/// The answer to a survey: stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SurveyAccepted {
    /// The ticket's number, for the thank-you screen.
    pub number: String,
}

/// One unsur: its code (`U1`…`U9`), its name, the standard question and the four answer
/// labels (score 1 to 4), in Indonesian as the regulation writes them, with English.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsur {
    pub code: &'static str,
    pub name: &'static str,
    pub name_en: &'static str,
    pub question: &'static str,
    pub question_en: &'static str,
    pub labels: [&'static str; 4],
    pub labels_en: [&'static str; 4],
}

/// The nine unsur of Permenpan RB 14/2017 with the questions of its sample questionnaire.
pub const UNSUR: [Unsur; UNSUR_COUNT] = [
    Unsur {
        code: "U1",
        name: "Persyaratan",
        name_en: "Requirements",
        question: "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?",
        question_en: "How well do the requirements fit the service?",
        labels: ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"],
        labels_en: ["Not suitable", "Less suitable", "Suitable", "Very suitable"],
    },
    Unsur {
        code: "U2",
        name: "Sistem, Mekanisme, dan Prosedur",
        name_en: "Systems, mechanisms and procedures",
        question: "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
        question_en: "How easy is the service procedure here?",
        labels: ["Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"],
        labels_en: ["Not easy", "Less easy", "Easy", "Very easy"],
    },
    Unsur {
        code: "U3",
        name: "Waktu Penyelesaian",
        name_en: "Completion time",
        question: "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
        question_en: "How fast was the service given?",
        labels: ["Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"],
        labels_en: ["Not fast", "Less fast", "Fast", "Very fast"],
    },
    Unsur {
        code: "U4",
        name: "Biaya/Tarif",
        name_en: "Cost/fee",
        question: "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
        question_en: "How fair is the cost or fee of the service?",
        labels: ["Sangat mahal", "Cukup mahal", "Murah", "Gratis"],
        labels_en: ["Very expensive", "Fairly expensive", "Cheap", "Free"],
    },
    Unsur {
        code: "U5",
        name: "Produk Spesifikasi Jenis Pelayanan",
        name_en: "Product of the service",
        question: "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum dalam standar pelayanan dengan hasil yang diberikan?",
        question_en: "How well does what you received match the service standard?",
        labels: ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"],
        labels_en: ["Not suitable", "Less suitable", "Suitable", "Very suitable"],
    },
    Unsur {
        code: "U6",
        name: "Kompetensi Pelaksana",
        name_en: "Staff competence",
        question: "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
        question_en: "How competent were the staff?",
        labels: [
            "Tidak kompeten",
            "Kurang kompeten",
            "Kompeten",
            "Sangat kompeten",
        ],
        labels_en: [
            "Not competent",
            "Less competent",
            "Competent",
            "Very competent",
        ],
    },
    Unsur {
        code: "U7",
        name: "Perilaku Pelaksana",
        name_en: "Staff conduct",
        question: "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?",
        question_en: "How polite and friendly were the staff?",
        labels: [
            "Tidak sopan dan ramah",
            "Kurang sopan dan ramah",
            "Sopan dan ramah",
            "Sangat sopan dan ramah",
        ],
        labels_en: [
            "Not polite and friendly",
            "Less polite and friendly",
            "Polite and friendly",
            "Very polite and friendly",
        ],
    },
    Unsur {
        code: "U8",
        name: "Penanganan Pengaduan, Saran dan Masukan",
        name_en: "Handling of complaints, suggestions and feedback",
        question: "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
        question_en: "How well are complaints of service users handled?",
        labels: [
            "Tidak ada",
            "Ada tetapi tidak berfungsi",
            "Berfungsi kurang maksimal",
            "Dikelola dengan baik",
        ],
        labels_en: [
            "None",
            "Exists but does not work",
            "Works, not fully",
            "Well handled",
        ],
    },
    Unsur {
        code: "U9",
        name: "Sarana dan Prasarana",
        name_en: "Facilities and infrastructure",
        question: "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
        question_en: "How good are the facilities?",
        labels: ["Buruk", "Cukup", "Baik", "Sangat Baik"],
        labels_en: ["Poor", "Fair", "Good", "Very good"],
    },
];
