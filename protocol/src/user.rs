use serde::{Deserialize, Serialize};

/// What a logged-in user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Everything, including any counter.
    Admin,
    /// Runs the floor: any counter, cancels and reinstates tickets.
    Supervisor,
    /// Opens the counters assigned to them and acts only on those they opened.
    Officer,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Supervisor, Role::Officer];

    /// The wire name, as in JSON and the site config.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Supervisor => "supervisor",
            Role::Officer => "officer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Admins and supervisors run the floor: any counter, any ticket.
    pub fn runs_the_floor(self) -> bool {
        self != Role::Officer
    }
}
