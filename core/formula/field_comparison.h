// A condition that compares one field with a constant, decided without the evaluator: the shape most rule
// conditions have (automation decides each candidate rule's condition on every save).
#pragma once
#include <cstdint>
#include <optional>

#include "formula/formula.h"

namespace crm::formula {

/// A Boolean formula that compares one number, date or date-time field with a constant (`Amount > 500000`,
/// `0 <= Amount`). A caller holding the field's value decides it with Decide(), without the evaluator and
/// its copies.
struct FieldComparison {
    enum class Op : uint8_t { Eq, Ne, Lt, Gt, Le, Ge };  ///< the field on the left
    FieldInfo field;
    Op op = Op::Eq;
    Decimal constant;  ///< never blank: a comparison with NULL is left to the evaluator
    /// What Evaluate() answers when the field holds `value` (as RecordView::Get gives it); nothing when only
    /// Evaluate() can tell: a value of another type, out of range, or with more decimals than the field's
    /// scale.
    std::optional<bool> Decide(const Value& value) const;
};

/// The comparison `formula` is, or nothing when it is anything else.
std::optional<FieldComparison> AsFieldComparison(const CompiledFormula& formula);

}  // namespace crm::formula
