//! The table of measures: every quantity grapevine records, declared once.
//!
//! A measure's name (in the CSV, `--metric` and `compare`), its chart
//! title, unit, kind (a level read at a tick, or a flow counted during it),
//! the scale to draw it on, the scenario feature it needs, and its meaning
//! live in one row here; tables, charts, sweeps, the summary's headlines
//! and the command line all read this table. Code names a measure by its
//! variant of [`Measure`], so a misspelt name is a compile error; a name
//! typed by a user is checked with [`Measure::parse`].
//!
//! Which measures a model records, and in which order, is declared with
//! the model in [`crate::catalog`].

use serde::ser::{Serialize, SerializeStruct, Serializer};

/// Whether a measure is a level (read at a tick) or a flow (counted during it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Level,
    Flow,
}

/// The scale a measure is drawn on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scale {
    /// A bounded scale, drawn whole (reputation -1 to 1, NPS -100 to 100,
    /// shares 0 to 1).
    Fixed(f64, f64),
    /// An open scale (counts, value): the axis is fitted to the data.
    Fitted,
}

/// What a scenario must have for a measure to mean anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feature {
    /// Every scenario of the measure's model.
    Always,
    /// A staff group (`staff = true`): morale.
    Staff,
    /// Workplaces (`[workplaces]`, or an organisations network).
    Workplaces,
    /// Job mobility (`workplaces.mobility` above 0).
    Mobility,
    /// One-off experience events (`[[events]]` with `experience`).
    Events,
    /// A value per customer or per referral (`market.value_per_tick`,
    /// `market.value_per_referral`).
    Value,
}

/// Everything known about a measure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Info {
    /// Its name in the CSV, `--metric` and `compare`.
    pub name: &'static str,
    pub kind: Kind,
    pub unit: &'static str,
    pub scale: Scale,
    pub needs: Feature,
    /// Its title on a chart.
    pub title: &'static str,
    /// What it means, in a sentence.
    pub about: &'static str,
}

macro_rules! measures {
    ($(
        $id:ident => $name:literal, $kind:ident, $unit:literal, $scale:expr, $needs:ident,
        $title:literal,
        $about:literal;
    )*) => {
        /// A measure. Its facts are in [`Info`], through [`Measure::info`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Measure {
            $($id,)*
        }

        /// The table, in the order of [`Measure`]'s variants.
        static TABLE: &[Info] = &[$(
            Info {
                name: $name,
                kind: Kind::$kind,
                unit: $unit,
                scale: $scale,
                needs: Feature::$needs,
                title: $title,
                about: $about,
            },
        )*];

        impl Measure {
            /// Every measure, in the table's order.
            pub const ALL: &'static [Measure] = &[$(Measure::$id,)*];
        }
    };
}

measures! {
    Reputation => "reputation", Level, "mean attitude, -1 to 1", Scale::Fixed(-1.0, 1.0), Always,
        "Reputation (mean attitude)",
        "mean attitude toward the brand";
    Nps => "nps", Level, "NPS, -100 to 100", Scale::Fixed(-100.0, 100.0), Always,
        "Net Promoter Score of customers",
        "Net Promoter Score of current customers: attitude mapped to 0-10 (round(5(a+1))), % promoters (9-10) minus % detractors (0-6)";
    Awareness => "awareness", Level, "share, 0 to 1", Scale::Fixed(0.0, 1.0), Always,
        "Awareness",
        "share of people aware of the brand";
    Prospects => "prospects", Level, "people", Scale::Fitted, Always,
        "Prospects",
        "people who could buy but have not";
    Customers => "customers", Level, "people", Scale::Fitted, Always,
        "Customers",
        "people who are customers";
    Lapsed => "lapsed", Level, "people", Scale::Fitted, Always,
        "Lapsed",
        "former customers";
    NewCustomersOutside => "new_customers_outside", Flow, "people per tick", Scale::Fitted, Always,
        "New customers from advertising",
        "prospects who bought for outside reasons (advertising: Bass p)";
    NewCustomersReferral => "new_customers_referral", Flow, "people per tick", Scale::Fitted, Always,
        "New customers from referrals",
        "prospects and lapsed customers who bought after a good story (Bass q)";
    WonBack => "won_back", Flow, "people per tick", Scale::Fitted, Always,
        "Won back",
        "lapsed customers who came back for outside reasons";
    Lapses => "lapses", Flow, "people per tick", Scale::Fitted, Always,
        "Lapses",
        "customers who lapsed";
    Experiences => "experiences", Flow, "experiences per tick", Scale::Fitted, Always,
        "Experiences",
        "purchases, each an experience of the service";
    Delights => "delights", Flow, "experiences per tick", Scale::Fitted, Always,
        "Delights",
        "experiences far above expectation";
    Failures => "failures", Flow, "experiences per tick", Scale::Fitted, Always,
        "Failures",
        "experiences far below expectation";
    Recoveries => "recoveries", Flow, "experiences per tick", Scale::Fitted, Always,
        "Recoveries",
        "failures recovered into a good story";
    GoodToldFirstHand => "good_told_first_hand", Flow, "people told per tick", Scale::Fitted, Always,
        "Good told first hand",
        "people told a good story by someone who lived it";
    GoodToldRetold => "good_told_retold", Flow, "people told per tick", Scale::Fitted, Always,
        "Good told retold",
        "people told a good story second-hand or further";
    BadToldFirstHand => "bad_told_first_hand", Flow, "people told per tick", Scale::Fitted, Always,
        "Bad told first hand",
        "people told a bad story by someone who lived it";
    BadToldRetold => "bad_told_retold", Flow, "people told per tick", Scale::Fitted, Always,
        "Bad told retold",
        "people told a bad story second-hand or further";
    GoodHearers => "good_hearers", Flow, "people per tick", Scale::Fitted, Always,
        "People hearing a good story",
        "distinct people who heard a good story this tick";
    BadHearers => "bad_hearers", Flow, "people per tick", Scale::Fitted, Always,
        "People hearing a bad story",
        "distinct people who heard a bad story this tick";
    GoodReached => "good_reached", Level, "people", Scale::Fitted, Always,
        "People reached by good stories",
        "distinct people who have heard a good story so far";
    BadReached => "bad_reached", Level, "people", Scale::Fitted, Always,
        "People reached by bad stories",
        "distinct people who have heard a bad story so far";
    Referrals => "referrals", Flow, "referrals per tick", Scale::Fitted, Always,
        "Referrals",
        "referrals credited to tellers in the group";
    Invited => "invited", Flow, "people per tick", Scale::Fitted, Events,
        "Guests of events",
        "guests given a one-off experience by an event";
    Moved => "moved", Flow, "people per tick", Scale::Fitted, Mobility,
        "People changing jobs",
        "people who changed organisation";
    Morale => "morale", Level, "mean attitude, -1 to 1", Scale::Fixed(-1.0, 1.0), Staff,
        "Staff morale (mean attitude of staff)",
        "staff morale: mean attitude of members of staff groups (0 where there are none)";
    Value => "value", Flow, "value per tick", Scale::Fitted, Value,
        "Customer value",
        "customers x value_per_tick plus referral conversions x value_per_referral";
    OrganisationsWithCustomers => "organisations_with_customers", Level, "organisations", Scale::Fitted, Workplaces,
        "Organisations with customers",
        "organisations with at least one customer (0 without workplaces)";
    ShareSusceptible => "share_susceptible", Level, "share, 0 to 1", Scale::Fixed(0.0, 1.0), Always,
        "Share susceptible",
        "share of people susceptible";
    ShareInfected => "share_infected", Level, "share, 0 to 1", Scale::Fixed(0.0, 1.0), Always,
        "Share infected",
        "share of people infected";
    ShareRecovered => "share_recovered", Level, "share, 0 to 1", Scale::Fixed(0.0, 1.0), Always,
        "Share recovered",
        "share of people recovered (removed)";
    NewInfected => "new_infected", Flow, "people per tick", Scale::Fitted, Always,
        "New infected",
        "people infected this tick";
    NewRecovered => "new_recovered", Flow, "people per tick", Scale::Fitted, Always,
        "New recovered",
        "people recovered this tick";
    ShareActive => "share_active", Level, "share, 0 to 1", Scale::Fixed(0.0, 1.0), Always,
        "Share active",
        "share of people active";
    NewActive => "new_active", Flow, "people per tick", Scale::Fitted, Always,
        "New active",
        "people activated this tick";
    ShareAdopted => "share_adopted", Level, "share, 0 to 1", Scale::Fixed(0.0, 1.0), Always,
        "Share adopted",
        "share of people who have adopted";
    NewAdopters => "new_adopters", Flow, "people per tick", Scale::Fitted, Always,
        "New adopters",
        "people who adopted this tick";
}

impl Measure {
    /// This measure's row of the table.
    pub fn info(self) -> &'static Info {
        &TABLE[self as usize]
    }

    pub fn name(self) -> &'static str {
        self.info().name
    }

    pub fn kind(self) -> Kind {
        self.info().kind
    }

    /// The measure named `name`, if there is one.
    pub fn parse(name: &str) -> Option<Measure> {
        Measure::ALL.iter().copied().find(|m| m.name() == name)
    }

    /// The measure a name stands for, when it is not a measure's name but
    /// an old or decorated spelling of one (`final_customers`,
    /// `total_referrals`, `referrals_total`): for a did-you-mean.
    pub fn meant(name: &str) -> Option<Measure> {
        let bare = name
            .strip_prefix("final_")
            .or_else(|| name.strip_prefix("total_"))
            .or_else(|| name.strip_suffix("_total"))
            .unwrap_or(name);
        let bare = match bare {
            "people_reached_by_good_stories" => "good_reached",
            "people_reached_by_bad_stories" => "bad_reached",
            other => other,
        };
        Measure::parse(bare)
    }
}

/// A measure is written out (in `summary.json`) as its name, kind, unit and
/// meaning.
impl Serialize for Measure {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let info = self.info();
        let mut st = s.serialize_struct("Measure", 4)?;
        st.serialize_field("name", info.name)?;
        st.serialize_field("kind", &info.kind)?;
        st.serialize_field("unit", info.unit)?;
        st.serialize_field("about", info.about)?;
        st.end()
    }
}

/// Serialises a list of measures as their names.
pub fn names<S: Serializer>(list: &[Measure], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(list.iter().map(|m| m.name()))
}

/// Serialises an optional measure as its name, or null.
pub fn name_or_none<S: Serializer>(m: &Option<Measure>, s: S) -> Result<S::Ok, S::Error> {
    match m {
        Some(m) => s.serialize_str(m.name()),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_the_order_of_the_measures_and_names_are_unique() {
        assert_eq!(TABLE.len(), Measure::ALL.len());
        for (i, &m) in Measure::ALL.iter().enumerate() {
            assert_eq!(m as usize, i);
            assert_eq!(Measure::parse(m.name()), Some(m));
        }
    }

    #[test]
    fn old_spellings_point_at_the_one_name() {
        assert_eq!(Measure::meant("final_customers"), Some(Measure::Customers));
        assert_eq!(Measure::meant("total_referrals"), Some(Measure::Referrals));
        assert_eq!(Measure::meant("value_total"), Some(Measure::Value));
        assert_eq!(
            Measure::meant("people_reached_by_bad_stories"),
            Some(Measure::BadReached)
        );
        assert_eq!(Measure::meant("nonsense"), None);
    }
}
