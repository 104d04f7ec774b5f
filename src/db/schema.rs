//! The one portable schema for SQLite and PostgreSQL (Text, BigInt, Integer, Date only).

diesel::table! {
    units (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        level -> Text,
        parent_id -> Nullable<BigInt>,
        valid_from -> Nullable<Date>,
        valid_to -> Nullable<Date>,
    }
}

diesel::table! {
    unit_successions (predecessor_id, successor_id) {
        predecessor_id -> BigInt,
        successor_id -> BigInt,
        effective_on -> Date,
    }
}

diesel::table! {
    authorities (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        kind -> Text,
        unit_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    documents (id) {
        id -> BigInt,
        authority_id -> BigInt,
        doc_type -> Text,
        number -> Text,
        number_key -> Text,
        title -> Text,
        fields -> Text,
        signer -> Text,
        signer_position -> Text,
        issued_on -> Date,
        effective_on -> Date,
        end_on -> Nullable<Date>,
        gazette -> Nullable<Text>,
        full_text -> Text,
        preamble -> Text,
        normative -> Bool,
        place -> Nullable<Text>,
        signing_capacity -> Nullable<Text>,
        signing_for -> Nullable<Text>,
    }
}

diesel::table! {
    provisions (document_id, key) {
        document_id -> BigInt,
        key -> Text,
        ordinal -> Integer,
        kind -> Text,
        label -> Text,
        parent_key -> Nullable<Text>,
        heading -> Text,
        body -> Text,
    }
}

diesel::table! {
    effects (id) {
        id -> BigInt,
        acting_id -> BigInt,
        target_id -> BigInt,
        kind -> Text,
        provisions -> Text,
        effective_on -> Date,
        until_on -> Nullable<Date>,
        note -> Nullable<Text>,
        undated -> Bool,
    }
}

// wd: amending effects' new wordings.
diesel::table! {
    effect_wordings (effect_id, provision) {
        effect_id -> BigInt,
        provision -> Text,
        position -> Integer,
        wording -> Text,
    }
}

diesel::table! {
    declared_expiries (id) {
        id -> BigInt,
        document_id -> BigInt,
        provisions -> Text,
        effective_on -> Date,
        decision -> BigInt,
        ended_at -> Nullable<Timestamp>,
    }
}

// Finer law (issue 15, item 4): provisions with their own effective dates, class-wide ends.
diesel::table! {
    provision_dates (id) {
        id -> BigInt,
        document_id -> BigInt,
        provisions -> Text,
        effective_on -> Date,
    }
}

diesel::table! {
    class_ends (id) {
        id -> BigInt,
        basis_id -> BigInt,
        provision -> Text,
        authority_kinds -> Text,
        levels -> Text,
        types -> Text,
        issued_from -> Nullable<Date>,
        issued_to -> Nullable<Date>,
        ceases_on -> Date,
        note -> Nullable<Text>,
    }
}

diesel::joinable!(provision_dates -> documents (document_id));
diesel::joinable!(class_ends -> documents (basis_id));

diesel::joinable!(authorities -> units (unit_id));
diesel::joinable!(documents -> authorities (authority_id));
diesel::joinable!(provisions -> documents (document_id));
diesel::joinable!(declared_expiries -> documents (document_id));
// wd: amending effects' new wordings.
diesel::joinable!(effect_wordings -> effects (effect_id));

diesel::table! {
    outbox (id) {
        id -> BigInt,
        entity -> Text,
        entity_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        display_name -> Text,
        role -> Text,
        password_hash -> Text,
        disabled -> Bool,
        created_at -> Timestamp,
        password_changed_at -> Timestamp,
        must_change_password -> Bool,
    }
}

diesel::table! {
    user_scopes (user_id, unit_id) {
        user_id -> BigInt,
        unit_id -> BigInt,
    }
}

diesel::table! {
    sessions (id_hash) {
        id_hash -> Text,
        user_id -> BigInt,
        csrf_token -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        name -> Text,
        prefix -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        expires_at -> Timestamp,
        revoked_reason -> Nullable<Text>,
    }
}

diesel::table! {
    login_throttle (username) {
        username -> Text,
        failures -> BigInt,
        next_attempt_at -> Timestamp,
        last_attempt_at -> Timestamp,
    }
}

diesel::table! {
    login_failures (id) {
        id -> BigInt,
        username -> Text,
        ip -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    audit_log (seq) {
        seq -> BigInt,
        at -> Text,
        actor -> Text,
        action -> Text,
        entity -> Text,
        entity_id -> Text,
        before -> Nullable<Text>,
        after -> Nullable<Text>,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    campaigns (id) {
        id -> BigInt,
        name -> Text,
        kind -> Text,
        basis_document_id -> Nullable<BigInt>,
        predecessor_unit_id -> Nullable<BigInt>,
        authority_ids -> Text,
        doc_types -> Text,
        fields -> Text,
        issued_from -> Nullable<Date>,
        issued_to -> Nullable<Date>,
        deadline -> Date,
        started_on -> Nullable<Date>,
        created_by -> BigInt,
        created_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    campaign_documents (campaign_id, document_id) {
        campaign_id -> BigInt,
        document_id -> BigInt,
        officer_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    decisions (id) {
        id -> BigInt,
        campaign_id -> BigInt,
        document_id -> BigInt,
        supersedes_id -> Nullable<BigInt>,
        kind -> Text,
        partial -> Bool,
        provisions -> Text,
        ground -> Nullable<Text>,
        reason -> Text,
        legal_basis_document_id -> Nullable<BigInt>,
        legal_basis_provision -> Nullable<Text>,
        effective_on -> Nullable<Date>,
        state -> Text,
        proposed_by -> BigInt,
        proposed_at -> Timestamp,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        comment -> Nullable<Text>,
        handling_document_id -> Nullable<BigInt>,
        closed_at -> Nullable<Timestamp>,
        version -> Integer,
    }
}

diesel::table! {
    decision_stages (decision_id, stage) {
        decision_id -> BigInt,
        stage -> Text,
        done_on -> Date,
        paper -> Text,
        agency -> Nullable<Text>,
        planned_on -> Nullable<Date>,
        recorded_by -> BigInt,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    annual_list_publications (year, authority_id) {
        year -> Integer,
        authority_id -> BigInt,
        published_at -> Timestamp,
        published_by -> BigInt,
    }
}

diesel::table! {
    procedures (id) {
        id -> BigInt,
        code -> Text,
    }
}

diesel::table! {
    procedure_versions (id) {
        id -> BigInt,
        procedure_id -> BigInt,
        name -> Text,
        field -> Text,
        levels -> Text,
        agency -> Text,
        applicants -> Text,
        steps -> Text,
        channels -> Text,
        dossier -> Text,
        statutory_days -> Integer,
        local_days -> Integer,
        time_warning -> Nullable<Text>,
        fees -> Text,
        result -> Text,
        conditions -> Text,
        online_level -> Text,
        one_stop -> Text,
        decision_authority_id -> BigInt,
        decision_number -> Text,
        decision_number_key -> Text,
        decision_date -> Date,
        announcement -> Text,
        decision_effective_on -> Nullable<Date>,
        online_url -> Nullable<Text>,
    }
}

diesel::table! {
    procedure_basis (version_id, ordinal) {
        version_id -> BigInt,
        ordinal -> Integer,
        document_id -> BigInt,
        provision -> Nullable<Text>,
    }
}

diesel::table! {
    postings (id) {
        id -> BigInt,
        version_id -> BigInt,
        procedure_id -> BigInt,
        unit_id -> BigInt,
        point -> Text,
        from_on -> Date,
        to_on -> Nullable<Date>,
    }
}

diesel::table! {
    inspections (id) {
        id -> BigInt,
        unit_id -> BigInt,
        inspected_on -> Date,
        inspector -> Text,
        note -> Text,
    }
}

diesel::table! {
    inspection_findings (inspection_id, procedure_id) {
        inspection_id -> BigInt,
        procedure_id -> BigInt,
        finding -> Text,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    dossier_counts (procedure_id, unit_id, month) {
        procedure_id -> BigInt,
        unit_id -> BigInt,
        month -> Date,
        received -> Integer,
        online -> Integer,
        on_time -> Integer,
    }
}

diesel::table! {
    calendar_days (day) {
        day -> Date,
        working -> Bool,
        note -> Text,
    }
}

diesel::joinable!(procedure_versions -> procedures (procedure_id));
diesel::joinable!(procedure_versions -> authorities (decision_authority_id));
diesel::joinable!(procedure_basis -> procedure_versions (version_id));
diesel::joinable!(postings -> procedure_versions (version_id));
diesel::joinable!(postings -> units (unit_id));
diesel::joinable!(inspection_findings -> inspections (inspection_id));
diesel::joinable!(dossier_counts -> procedures (procedure_id));

diesel::joinable!(campaign_documents -> campaigns (campaign_id));
diesel::joinable!(decisions -> campaigns (campaign_id));
diesel::joinable!(decision_stages -> decisions (decision_id));

diesel::joinable!(user_scopes -> users (user_id));
diesel::joinable!(user_scopes -> units (unit_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(api_tokens -> users (user_id));

diesel::table! {
    document_files (id) {
        id -> BigInt,
        document_id -> BigInt,
        sha256 -> Text,
        name -> Text,
        role -> Text,
        content_type -> Text,
        size -> BigInt,
        created_at -> Timestamp,
        created_by -> Text,
        withdrawn_at -> Nullable<Timestamp>,
        withdrawn_by -> Nullable<Text>,
        withdrawn_reason -> Nullable<Text>,
        description -> Nullable<Text>,
    }
}

diesel::table! {
    document_file_parts (file_id, seq) {
        file_id -> BigInt,
        seq -> Integer,
        bytes -> Binary,
    }
}

diesel::joinable!(document_files -> documents (document_id));
diesel::joinable!(document_file_parts -> document_files (file_id));

// pf: the forms of a procedure version (mẫu đơn, tờ khai), stored like document originals.
diesel::table! {
    procedure_forms (id) {
        id -> BigInt,
        version_id -> BigInt,
        sha256 -> Text,
        name -> Text,
        content_type -> Text,
        size -> BigInt,
        description -> Nullable<Text>,
        created_at -> Timestamp,
        created_by -> Text,
        withdrawn_at -> Nullable<Timestamp>,
        withdrawn_by -> Nullable<Text>,
        withdrawn_reason -> Nullable<Text>,
    }
}

diesel::table! {
    procedure_form_parts (file_id, seq) {
        file_id -> BigInt,
        seq -> Integer,
        bytes -> Binary,
    }
}

diesel::joinable!(procedure_forms -> procedure_versions (version_id));
diesel::joinable!(procedure_form_parts -> procedure_forms (file_id));

// nd: files held between the upload and the save of the new-document form.
diesel::table! {
    intake_pending (token) {
        token -> Text,
        user_id -> BigInt,
        name -> Text,
        content -> Binary,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

// uc: the one-stop office and feedback address of a unit.
diesel::table! {
    unit_contacts (unit_id) {
        unit_id -> BigInt,
        address -> Text,
        hours -> Text,
        phone -> Text,
        email -> Text,
        feedback_address -> Text,
        feedback_phone -> Text,
        feedback_email -> Text,
        feedback_url -> Text,
    }
}

diesel::joinable!(unit_contacts -> units (unit_id));

diesel::allow_tables_to_appear_in_same_query!(
    unit_contacts,
    procedures,
    procedure_versions,
    procedure_basis,
    postings,
    inspections,
    inspection_findings,
    dossier_counts,
    calendar_days,
    campaigns,
    campaign_documents,
    decisions,
    decision_stages,
    annual_list_publications,
    users,
    user_scopes,
    sessions,
    api_tokens,
    login_failures,
    login_throttle,
    audit_log,
    units,
    unit_successions,
    authorities,
    documents,
    provisions,
    effects,
    declared_expiries,
    outbox,
    // wd: amending effects' new wordings.
    effect_wordings,
    // of: the originals of documents.
    document_files,
    // nd: files held between the upload and the save of the new-document form.
    intake_pending,
    document_file_parts,
    // pf: the forms of a procedure version.
    procedure_forms,
    procedure_form_parts,
    // ed: corrections and withdrawals.
    corrections,
    withdrawals,
);

// ed: corrections (đính chính) naming their correcting document, and withdrawals of documents
// entered in error.
diesel::table! {
    corrections (id) {
        id -> BigInt,
        document_id -> BigInt,
        correcting_document_id -> BigInt,
        audit_seq -> BigInt,
        fields -> Text,
    }
}

diesel::table! {
    withdrawals (document_id) {
        document_id -> BigInt,
        withdrawn_on -> Date,
        reason -> Text,
    }
}

diesel::joinable!(withdrawals -> documents (document_id));

diesel::table! {
    org_stamp (id) {
        id -> Integer,
        stamp -> BigInt,
    }
}
