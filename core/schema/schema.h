// The schema of the CRM's records: objects, fields, picklists, validation rules and layouts, and the
// audited service that changes them. Records live in real SQLite columns, one table per object
// ("rec_<object>"), so filters, sorting and aggregation run on indexes.
//
// [SECTION] Field types     FieldType, its names, how each type is stored
// [SECTION] Definitions     PicklistValue, FieldDef, ObjectDef, ValidationRule, Layout
// [SECTION] Values          reading, checking and writing one field's value (JSON, text, SQL)
// [SECTION] Resolver        ObjectResolver: the FieldResolver formulas use for an object
// [SECTION] Retype          RetypeFailure, RetypePreview, RetypeMode
// [SECTION] SchemaService   the audited service
//
// Storage, per type (the formula language's canonical SQL forms, so ToSql() reads columns directly):
//   text, long_text, email, phone, url, picklist, auto_number  TEXT
//   multipicklist   TEXT, selected values joined by ';' in picklist order ("Golf;Tennis")
//   number, currency, percent   REAL (a percent is stored as written: 25 means 25 %)
//   checkbox        INTEGER 0/1 (NULL reads as false)
//   date            INTEGER days since 1970-01-01;  datetime  INTEGER ms since the Unix epoch, UTC
//   lookup          INTEGER id of the target record; cleared (NULL) when the target is deleted
//   formula         no column: computed on read
// System columns of every record table: id INTEGER PRIMARY KEY, owner_id INTEGER, created_at and
// updated_at (Unix ms), created_by and updated_by (usernames).
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "access/policy.h"
#include "common/clock.h"
#include "common/result.h"
#include "formula/formula.h"

namespace crm {

class Database;
class Changes;
class ChangeScope;
class Statement;

// [SECTION] Field types

/// The type of a field. Changing it converts the stored values (see SchemaService::RetypeField).
enum class FieldType {
    Text,
    LongText,
    Number,
    Currency,
    Percent,
    Date,
    DateTime,
    Checkbox,
    Picklist,
    MultiPicklist,
    Email,
    Phone,
    Url,
    Lookup,
    AutoNumber,
    Formula,
};

/// "text", "long_text", "number", "currency", "percent", "date", "datetime", "checkbox", "picklist",
/// "multipicklist", "email", "phone", "url", "lookup", "auto_number", "formula".
const char* FieldTypeName(FieldType type);
/// The type named `name` (as FieldTypeName writes it), or nothing.
std::optional<FieldType> ParseFieldType(std::string_view name);
/// Every type name, for editors and error messages.
const std::vector<std::string>& FieldTypeNames();
/// The SQLite column type ("TEXT", "REAL", "INTEGER"); "" for formula fields (no column).
const char* ColumnTypeOf(FieldType type);
/// The type formulas see for a stored value of this type (formula fields: use FieldDef::formula_type).
formula::ValueType FormulaTypeOf(FieldType type);

/// An auto-number's display format: literal text with one number part "{0000}" (the zeros give the
/// least width, 1 to 10) and, optionally, the date of the save (UTC) as "{YYYY}", "{YY}", "{MM}", "{DD}":
/// "INV-{YYYY}-{0000}". Errors: no number part, two of them, an unknown or unclosed part (named).
Status CheckAutoNumberFormat(std::string_view format);
/// The auto-number `n` saved at `now_ms` in `format` (checked by CheckAutoNumberFormat).
std::string FormatAutoNumber(std::string_view format, int64_t n, int64_t now_ms);

// [SECTION] Definitions

/// One value of a picklist. Deactivated values stay on the records that hold them but are refused on
/// new saves.
struct PicklistValue {
    PicklistValue() = default;
    PicklistValue(std::string api_name_, std::string label_, bool active_ = true, bool is_default_ = false,
                  std::string label_zh_ = {})
        : api_name(std::move(api_name_)),
          label(std::move(label_)),
          label_zh(std::move(label_zh_)),
          active(active_),
          is_default(is_default_) {}

    std::string api_name;  ///< stored in records; stable
    std::string label;     ///< shown to people
    std::string label_zh;  ///< the Simplified Chinese label; "" = none (show `label`)
    bool active = true;
    bool is_default = false;  ///< at most one per picklist
};

/// Where a field is in its life: deleted fields keep their column (recoverable) and are hidden
/// everywhere; purged fields have lost their column, and their API name stays reserved.
enum class FieldState { Active, Deleted, Purged };

/// One field of an object.
struct FieldDef {
    int64_t id = 0;
    std::string object;    ///< API name of the object
    std::string api_name;  ///< stable, unique per object (case-insensitive); custom fields end in "__c"
    std::string label;
    std::string label_zh;  ///< the Simplified Chinese label; "" = none (show `label`)
    FieldType type = FieldType::Text;
    std::string help_text;
    bool custom = true;
    bool required = false;
    bool unique = false;
    bool track_history = false;  ///< field history: old/new value, who, when, on every change
    bool indexed = false;  ///< an index for sorting and filtering (lookup and unique fields always have one)
    std::string default_value;        ///< in the text form ValueFromText reads; "" = none
    int length = 0;                   ///< text: maximum characters (0 = the type's maximum)
    int precision = 18;               ///< number/currency/percent: total digits
    int scale = 0;                    ///< number/currency/percent: digits after the decimal point
    std::optional<double> min_value;  ///< number/currency/percent: inclusive range
    std::optional<double> max_value;
    std::string lookup_object;      ///< lookup: API name of the target object
    std::string relationship_name;  ///< lookup: the name used in formula paths ("Account" in Account.Name)
    std::string formula;            ///< formula: the expression
    FieldType formula_type = FieldType::Text;  ///< formula: the declared result type
    std::string auto_format;                   ///< auto_number: "CASE-{0000}"
    std::vector<PicklistValue> picklist;       ///< picklist and multipicklist values, in order
    FieldState state = FieldState::Active;
    std::string column;  ///< SQL column (unquoted); empty for formula fields
    int position = 0;    ///< order within the object

    bool is_read_only() const { return type == FieldType::Formula || type == FieldType::AutoNumber; }
    bool has_column() const { return type != FieldType::Formula; }
    /// The picklist value with this API name, or nullptr.
    const PicklistValue* FindValue(std::string_view api_value) const;
};

/// An object (a kind of record): Account, Opportunity, Invoice__c...
struct ObjectDef {
    int64_t id = 0;
    std::string api_name;  ///< unique, never reused; custom objects end in "__c"
    std::string label;
    std::string plural_label;
    std::string label_zh;  ///< the Simplified Chinese label (Chinese has no plural); "" = none
    std::string description;
    bool custom = true;
    bool deleted = false;
    std::string table;             ///< "rec_opportunity"
    std::string name_field;        ///< API name of the record-name field (text or auto-number)
    std::vector<FieldDef> fields;  ///< active and deleted fields (not purged), by position

    /// The active field with this API name (case-insensitive), or nullptr.
    const FieldDef* Field(std::string_view api_name) const;
    /// Any non-purged field with this API name, deleted ones included, or nullptr.
    const FieldDef* AnyField(std::string_view api_name) const;
};

/// A validation rule: the condition is TRUE when the record is invalid.
struct ValidationRule {
    int64_t id = 0;
    std::string object;
    std::string name;  ///< unique per object
    std::string description;
    bool active = true;
    std::string condition;      ///< a Boolean formula; ISNEW, ISCHANGED and PRIORVALUE allowed
    std::string error_message;  ///< shown when the condition is TRUE
    std::string error_field;    ///< API name of the field to show the message on; "" = the record
    int position = 0;           ///< rules run in this order
};

/// One field on a layout, with what the layout adds to the field's own settings.
struct LayoutItem {
    std::string field;
    bool required = false;   ///< required on this form (in addition to the field's own setting)
    bool read_only = false;  ///< read-only on this form
};

/// A titled block of a layout, laid out in one or two columns (items fill left to right).
struct LayoutSection {
    std::string title;
    int columns = 2;  ///< 1 or 2
    std::vector<LayoutItem> items;
};

/// Why a field placed on a form cannot be edited there, or nullptr when it can, checked in this order:
/// "computed" (formula, auto-number), "fls" (field-level security gives read, not edit), "object" (no
/// create / edit permission on the object), "layout" (read-only on this layout). The record form, the
/// layout preview and layouts.preview all answer with it.
const char* FormReadOnlyReason(const FieldDef& field, const LayoutItem& item, bool can_edit_field,
                               bool can_edit_object);

/// A record form: sections of fields. Assigned to profiles by name; one default per object.
struct Layout {
    int64_t id = 0;
    std::string object;
    std::string name;  ///< unique per object
    std::vector<LayoutSection> sections;
    bool is_default = false;            ///< used for profiles without an assignment
    std::vector<std::string> profiles;  ///< profile names assigned to this layout
};

nlohmann::json ToJson(const PicklistValue& value);
nlohmann::json ToJson(const FieldDef& field);
/// The object with its fields (deleted ones flagged; `include_fields` false leaves them out).
nlohmann::json ToJson(const ObjectDef& object, bool include_fields = true);
nlohmann::json ToJson(const ValidationRule& rule);
nlohmann::json ToJson(const Layout& layout);

/// Reads the keys present in `json` over `base` (the JSON form of ToJson; unknown keys are Errors).
Result<FieldDef> FieldDefFromJson(const nlohmann::json& json, FieldDef base);
Result<ObjectDef> ObjectDefFromJson(const nlohmann::json& json, ObjectDef base);
Result<ValidationRule> RuleFromJson(const nlohmann::json& json, ValidationRule base);
Result<Layout> LayoutFromJson(const nlohmann::json& json, Layout base);

// [SECTION] Values
// A field's value is held as a formula::Value of the type formulas see (lookups as Text ids).

/// Reads a value from its text form: numbers "12.5", dates "2024-03-15", date-times ISO 8601 UTC,
/// checkboxes "true"/"false", multi-select "a;b". Checks the type's form (email, URL, phone, number
/// precision and scale, range, length) but not picklist activity (see CheckPicklistActive).
/// Errors: "records.invalid_value" with the field set.
Result<formula::Value> ValueFromText(const FieldDef& field, std::string_view text);
/// Reads a value from JSON: strings as ValueFromText, numbers, booleans, arrays for multi-select,
/// null for blank.
Result<formula::Value> ValueFromJson(const FieldDef& field, const nlohmann::json& json);
/// The JSON form of a value: numbers, strings, booleans, ISO dates, arrays for multi-select,
/// integer ids for lookups, null for blank.
/// The JSON form of a formula value: null for blank (FALSE for a Boolean), numbers as integers when
/// whole, dates "YYYY-MM-DD", date-times ISO 8601 UTC, text as text.
nlohmann::json FormulaValueToJson(const formula::Value& value);
nlohmann::json ValueToJson(const FieldDef& field, const formula::Value& value);
/// The text form ValueFromText reads back ("" for blank).
std::string ValueToText(const FieldDef& field, const formula::Value& value);
/// Refuses picklist values that are unknown or deactivated ("records.inactive_value").
Status CheckPicklistActive(const FieldDef& field, const formula::Value& value);
/// Binds a value to a statement parameter in the field's storage form.
void BindValue(Statement& statement, int index, const FieldDef& field, const formula::Value& value);
/// Reads a value from a result column in the field's storage form.
formula::Value ReadValue(const Statement& statement, int column, const FieldDef& field);

// [SECTION] Resolver

/// The fields formulas may name on one object: its active fields by API name, and one-level lookup
/// paths ("Account.Name") read through a subquery. FieldInfo::index is the position of the field in
/// ObjectDef::fields for the object's own fields, and kPathIndexBase + n for path n.
class ObjectResolver final : public formula::FieldResolver {
public:
    static constexpr int kPathIndexBase = 1 << 20;
    /// One lookup path: the lookup field on this object and the field it reads on the target.
    struct Path {
        int lookup_index = -1;  ///< index of the lookup field in the object's fields
        std::string target_table;
        FieldDef target_field;
    };
    /// `all_objects` supplies path targets; `with_formulas` false hides formula fields (formula fields
    /// cannot read other formula fields, so they never form a cycle).
    ObjectResolver(const ObjectDef& object, const std::vector<std::shared_ptr<const ObjectDef>>& all_objects,
                   bool with_formulas = true);
    const formula::FieldInfo* Find(std::string_view name) const override;
    std::vector<std::string> Names() const override;
    const Path* PathAt(int index) const;

private:
    std::vector<formula::FieldInfo> infos_;
    std::vector<Path> paths_;
};

// [SECTION] Retype

/// A stored value that would not convert to the new type.
struct RetypeFailure {
    int64_t record_id = 0;
    std::string value;   ///< the current value, in text form
    std::string reason;  ///< why it does not convert
};

/// The dry run of a type change: what would convert and what would not.
struct RetypePreview {
    int64_t records = 0;                ///< records with a value in the field
    int64_t failures = 0;               ///< values that would not convert (all counted)
    std::vector<RetypeFailure> listed;  ///< the failures, in id order (up to the asked limit)
};

/// What a type change does with values that do not convert.
enum class RetypeMode { RefuseIfAny, ClearFailures };

// [SECTION] SchemaService

/// Reads and changes the schema. Every change is one transaction: the metadata, the record table's
/// DDL and the audit entries (area "schema") commit together or not at all.
class SchemaService {
public:
    /// Changes commit through `changes` (ChangeScope): transaction, audit entries, change set, listeners.
    explicit SchemaService(Changes& changes);
    ~SchemaService();

    // Objects
    /// Every live object, standard ones first then by API name.
    std::vector<std::shared_ptr<const ObjectDef>> Objects() const;
    /// The live object (case-insensitive API name), or Error "schema.unknown_object".
    Result<std::shared_ptr<const ObjectDef>> Object(std::string_view api_name) const;
    /// Creates a custom object with its record-name field ("Name": text, or auto-number when
    /// `name_format` is set, e.g. "INV-{0000}") and a default layout.
    Result<std::shared_ptr<const ObjectDef>> CreateObject(const std::string& actor, const ObjectDef& spec,
                                                          const std::string& name_format = {});
    /// Changes label, plural label and description.
    Status UpdateObject(const std::string& actor, const ObjectDef& changed);
    /// Hides a custom object (its table is kept; the API name stays reserved). Refused for standard
    /// objects and for objects other objects' lookups point at.
    Status DeleteObject(const std::string& actor, std::string_view api_name);

    // Fields
    /// Adds a field: metadata, ALTER TABLE ADD COLUMN and its index, in one transaction.
    /// `add_to_layouts` appends it to the first section of every layout of the object.
    Result<FieldDef> CreateField(const std::string& actor, const FieldDef& spec, bool add_to_layouts = false);
    /// Changes a field's properties (not its type: see RetypeField). Tightening a limit that existing
    /// values break (length, unique...) is refused with the count of such records; making a field
    /// required is refused while a profile that can create the object cannot read the field
    /// ("schema.required_unreadable", naming the profiles: ProfileDirectory).
    Result<FieldDef> UpdateField(const std::string& actor, const FieldDef& changed);
    /// Moves a field to the recoverable area (column kept, hidden everywhere). Refused for standard
    /// fields and for fields in use (FieldUsers: validation rules, formula fields, layouts, list views and
    /// what the field user sources name, such as criteria-based sharing rules): "schema.field_in_use",
    /// the message lists the users.
    Status DeleteField(const std::string& actor, std::string_view object, std::string_view field);
    Status RestoreField(const std::string& actor, std::string_view object, std::string_view field);
    /// Drops the column of a deleted field (and its index). The API name stays reserved.
    Status PurgeField(const std::string& actor, std::string_view object, std::string_view field);
    /// The dry run of a type change: every stored value that would not convert (up to `limit` listed).
    /// It reads stored values, so the actor needs Customize Schema like for the change itself.
    Result<RetypePreview> PreviewRetype(const std::string& actor, const FieldDef& changed,
                                        int limit = 1000) const;
    /// Changes the type (and type properties) of a field, converting its column in one transaction.
    Result<RetypePreview> RetypeField(const std::string& actor, const FieldDef& changed, RetypeMode mode);
    /// The users of a field: "validation rule X", "formula field Y", "layout Z", "list view W", and those
    /// the field user sources name.
    std::vector<std::string> FieldUsers(std::string_view object, std::string_view field) const;
    /// A service above the schema that refers to fields (criteria-based sharing rules, processes,
    /// assignment, automation and approval rules; reports when they come) names its users of a field, so
    /// that DeleteField refuses to take a field they need and RetypeField to change its type
    /// ("schema.field_in_use"). The Workspace wires them.
    using FieldUserSource =
        std::function<std::vector<std::string>(std::string_view object, std::string_view field)>;
    void AddFieldUserSource(FieldUserSource source) { field_user_sources_.push_back(std::move(source)); }
    /// Likewise for one picklist value (a process's stage, a criterion naming the value): UpdateField refuses
    /// to remove a value they name ("schema.value_in_use").
    using PicklistValueUserSource = std::function<std::vector<std::string>(
        std::string_view object, std::string_view field, std::string_view value)>;
    void AddPicklistValueUserSource(PicklistValueUserSource source) {
        value_user_sources_.push_back(std::move(source));
    }
    /// Whether `formula`, compiled on `formula_object` (a Boolean condition when `condition`), reads
    /// object.field, directly or through a lookup path. A formula that does not compile reads nothing.
    bool FormulaReadsField(std::string_view formula_object, const std::string& formula, bool condition,
                           std::string_view object, std::string_view field) const;

    // Validation rules
    std::vector<ValidationRule> Rules(std::string_view object) const;
    Result<ValidationRule> Rule(std::string_view object, std::string_view name) const;
    /// Compiles the condition (Boolean, prior values allowed); a formula error comes back with its
    /// position. The rule goes last unless `position` is set.
    Result<ValidationRule> CreateRule(const std::string& actor, const ValidationRule& rule);
    Result<ValidationRule> UpdateRule(const std::string& actor, const ValidationRule& rule);
    Status DeleteRule(const std::string& actor, std::string_view object, std::string_view name);
    /// Compiles a rule condition against an object, as CreateRule would.
    Result<formula::CompiledFormula> CompileRule(std::string_view object, std::string_view condition) const;

    // Layouts
    std::vector<Layout> Layouts(std::string_view object) const;
    Result<Layout> GetLayout(std::string_view object, std::string_view name) const;
    /// Creates or replaces (by name) a layout. Every field must be an active field of the object.
    Result<Layout> SaveLayout(const std::string& actor, const Layout& layout);
    /// Assigns `layout` to `profile` on its object (replacing that profile's earlier assignment, which the
    /// audit entry keeps as the old value). An unknown profile is refused ("schema.unknown_profile").
    Status AssignLayout(const std::string& actor, std::string_view object, std::string_view profile,
                        std::string_view layout);
    Status DeleteLayout(const std::string& actor, std::string_view object, std::string_view name);
    /// The layout a profile sees: its assignment, else the object's default. Deleted fields are left out.
    Result<Layout> LayoutForProfile(std::string_view object, std::string_view profile) const;

    // Formulas
    /// The resolver for formulas on `object` (nullptr for an unknown object). Shared; stays valid
    /// while the caller holds it, even across schema changes.
    std::shared_ptr<const ObjectResolver> Resolver(std::string_view object) const;
    /// Bumped by every committed schema change: callers cache compiled formulas against it.
    uint64_t version() const { return version_; }

    /// Every mutating call first asks `authorizer` for Customize Schema of its actor, so the console (a C++
    /// caller) is held to the same rule as the command API; refused calls change nothing.
    void SetAuthorizer(Authorizer authorizer) { authorizer_ = std::move(authorizer); }

    /// What the schema asks about profiles, which the access engine above it keeps. The Workspace wires
    /// it; unset parts answer "nothing to refuse" (a schema alone in a test knows no profiles).
    struct ProfileDirectory {
        /// Every profile name, for "Did you mean" and to store an assignment under the profile's own
        /// spelling.
        std::function<std::vector<std::string>()> names;
        /// Whether a profile of this name exists.
        std::function<bool(std::string_view profile)> exists;
        /// The profiles (by name) that can create records of `object` but cannot read `field`.
        std::function<std::vector<std::string>(std::string_view object, std::string_view field)>
            creating_without_read;
    };
    void SetProfileDirectory(ProfileDirectory directory) { profiles_ = std::move(directory); }

    /// Runs `body` inside the caller's transaction with the audit helpers; for tests that force a
    /// failure in the middle of a change (the hook runs just before commit; an error rolls back).
    void SetBeforeCommitHookForTesting(std::function<Status()> hook) {
        before_commit_hook_ = std::move(hook);
    }

private:
    friend class SchemaChange;
    Status Reload();
    /// Appends the audit entry (area "schema") and notes the change for the listeners. The target is
    /// "<kind>.<Object>[.<name>]" ("field.Account.Tier__c", "rule.Case.Needs_Reason"): the change set names
    /// the object and, for a field, the field.
    Status Audit(ChangeScope& change, const std::string& action, const std::string& target,
                 nlohmann::json old_value, nlohmann::json new_value);
    /// Runs the before-commit hook, commits, and reloads the cache before the listeners hear of it.
    Status Finish(ChangeScope& change);
    /// An acting user (NeedActor) who holds Customize Schema.
    Status Authorize(const std::string& actor) const;
    /// The opening of a change to an object: Authorize, then the object (an unknown one is an Error).
    Result<std::shared_ptr<const ObjectDef>> ObjectToChange(const std::string& actor,
                                                            std::string_view object) const;
    Result<std::shared_ptr<const ObjectDef>> LiveObject(std::string_view api_name) const;
    /// PreviewRetype without the actor's check, for the changes that run it themselves.
    Result<RetypePreview> DryRunRetype(const FieldDef& changed, int limit) const;

    Changes& changes_;
    Database& db_;
    Status last_reload_ = Status::Ok();  ///< what the reload after the last commit answered
    std::function<Status()> before_commit_hook_;
    std::vector<FieldUserSource> field_user_sources_;
    std::vector<PicklistValueUserSource> value_user_sources_;
    Authorizer authorizer_;
    ProfileDirectory profiles_;
    std::vector<std::shared_ptr<const ObjectDef>> objects_;
    mutable std::map<std::string, std::shared_ptr<const ObjectResolver>> resolvers_;
    uint64_t version_ = 1;
};

/// The SQL of schema migration 2: the metadata tables, the standard objects (Account, Contact, Lead,
/// Opportunity, Case, Task) with their fields, record tables, indexes and default layouts.
std::string SchemaMigrationSql();
/// The SQL of migration 4: the fields' `indexed` flag, set (with its index) on the standard fields that
/// lists sort and filter by most.
std::string IndexedFieldsMigrationSql();
/// The SQL of migration 6: the `label_zh` columns of objects, fields and picklist values, filled with the
/// Simplified Chinese labels of the standard objects, fields and values.
std::string ChineseLabelsMigrationSql();

/// Quotes an SQL identifier: "name" with inner quotes doubled.
std::string QuoteIdent(std::string_view name);
/// The name the index of a field's column has when it has one (see the schema's NeedsIndex).
std::string IndexNameFor(const ObjectDef& object, const FieldDef& field);

}  // namespace crm
