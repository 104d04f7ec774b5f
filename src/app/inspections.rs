//! Inspections of the posting of procedures, for pages and the API: the signed-in user as the
//! recorder of a visit, recording a visit, and the loaders of one visit and of a unit's history.

use crate::app::{on_pool, AppState};
use crate::auth::Actor;
use crate::clock::today;
use crate::db::Db;
use crate::error::AppError;
use crate::procedures::check::Settings;
use crate::procedures::inspections::{
    self as insp, History, InspectionError, InspectionView, Recorder, VisitInput,
};
use crate::registry::org::Org;

/// The signed-in user as the recorder of a visit.
pub fn recorder(db: &mut Db<'_>, actor: &Actor) -> Result<Recorder, AppError> {
    let org = Org::load(db)?;
    Ok(Recorder {
        actor: actor.actor(),
        name: actor.display_name.clone(),
        units: actor.scope.expanded(|u| org.all_unit_predecessors(u)),
    })
}

/// Records a visit in one write transaction: its id, or the refusal (nothing written). A
/// database failure is an error, not a refusal.
pub async fn record(
    state: &AppState,
    actor: Actor,
    visit: VisitInput,
) -> Result<Result<i64, InspectionError>, AppError> {
    let pool = state.pool.clone();
    let result = actix_web::web::block(move || -> Result<_, AppError> {
        let mut conn = pool.get()?;
        let who = recorder(&mut conn.db(), &actor)?;
        Ok(conn.write(|db| insp::record(db, &who, &visit, today(), Settings::default())))
    })
    .await??;
    match result {
        Err(InspectionError::Db(e)) => Err(AppError::Db(e)),
        other => Ok(other),
    }
}

/// One visit compared with the system's check of its day.
pub async fn inspection(state: &AppState, id: i64) -> Result<InspectionView, AppError> {
    on_pool(state, move |db| {
        Ok(insp::inspection(db, id, Settings::default())?)
    })
    .await
}

/// A unit's visits and its completeness over time (until today).
pub async fn history(state: &AppState, code: String) -> Result<History, AppError> {
    on_pool(state, move |db| {
        Ok(insp::history(db, &code, today(), Settings::default())?)
    })
    .await
}
