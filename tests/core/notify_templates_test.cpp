// Notification templates: merge fields and formulas checked when saved (an unknown field or a broken
// formula is an error with its position), values formatted as the company profile says, both languages,
// and the preview as the viewer reads the record.
#include <doctest/doctest.h>

#include "company/display_format.h"
#include "notify_fixture.h"

using namespace crm;
using crm::test::NotifyFixture;
using nlohmann::json;

namespace {

NotificationTemplate Deal(const std::string& language, const std::string& subject,
                          const std::string& text = "") {
    NotificationTemplate t;
    t.type = "close_date_approaching";
    t.language = language;
    t.subject = subject;
    t.text = text;
    return t;
}

}  // namespace

TEST_SUITE("notify.templates") {
    TEST_CASE("an unknown merge field is an error with its position and part") {
        NotifyFixture f;
        std::vector<Error> errors = f.notify().CheckTemplate(Deal("en", "Hi {{Opportunity.Nmae}}"));
        REQUIRE(errors.size() == 1);
        CHECK(errors[0].position == 4);
        CHECK(errors[0].field == "subject");
        CHECK(errors[0].message.find("Opportunity.Nmae") != std::string::npos);
        // Positions count characters, not bytes.
        errors = f.notify().CheckTemplate(Deal("zh-CN", "您好 {{Owner.Nmae}}"));
        REQUIRE(errors.size() == 1);
        CHECK(errors[0].position == 4);
        // An object the type is not about is unknown too, and so is a scope that does not exist.
        CHECK(f.notify().CheckTemplate(Deal("en", "{{Account.Name}}")).size() == 1);
        CHECK(f.notify().CheckTemplate(Deal("en", "{{Nothing}}")).size() == 1);
        // Saving refuses it.
        Result<NotificationTemplate> saved =
            f.notify().SaveTemplate("admin", Deal("en", "{{Opportunity.Nmae}}"));
        REQUIRE_FALSE(saved.ok());
        CHECK(saved.error().position == 1);
    }

    TEST_CASE("an unclosed field and a broken formula are errors with their positions") {
        NotifyFixture f;
        std::vector<Error> errors =
            f.notify().CheckTemplate(Deal("en", "Deal", "Closing {{Opportunity.Name"));
        REQUIRE(errors.size() == 1);
        CHECK(errors[0].field == "text");
        CHECK(errors[0].position == 9);
        errors = f.notify().CheckTemplate(Deal("en", "Deal", "Ten percent: {{=Amount * }}"));
        REQUIRE(errors.size() == 1);
        CHECK(errors[0].field == "text");
        CHECK(errors[0].position > 14);
        CHECK(errors[0].message.find("formula") != std::string::npos);
        // A formula over a type without an object has nothing to read.
        NotificationTemplate t = Deal("en", "{{=1+1}}");
        t.type = "report_ready";
        CHECK(f.notify().CheckTemplate(t).size() == 1);
        // Every error of every part at once.
        t = Deal("en", "{{X.Y}}", "{{=Amount +}}");
        t.short_text = "{{Opportunity.Bad}}";
        CHECK(f.notify().CheckTemplate(t).size() == 3);
    }

    TEST_CASE("values are formatted as the company profile says, in both languages") {
        NotifyFixture f;
        REQUIRE(f.notify()
                    .SaveTemplate("admin", Deal("en", "{{Opportunity.Name}} closes {{Opportunity.CloseDate}}",
                                                "{{Opportunity.Amount}} at {{Opportunity.StageName}}; ten "
                                                "percent {{=Amount / 10}}; owner {{Owner.FullName}}"))
                    .ok());
        REQUIRE(f.notify()
                    .SaveTemplate("admin",
                                  Deal("zh-CN", "{{Opportunity.Name}} 将于 {{Opportunity.CloseDate}} 结束",
                                       "{{Opportunity.Amount}}，{{Opportunity.StageName}}"))
                    .ok());
        std::vector<NotificationTemplate> stored = f.notify().Templates("close_date_approaching");
        REQUIRE(stored.size() == 2);
        Result<RenderedMessage> en = f.notify().Preview("admin", stored[0], "Opportunity", 1);
        REQUIRE(en.ok());
        CHECK(en->subject == "Big Deal closes 2026年12月15日");
        CHECK(en->text == "¥1,234,567.50 at Prospecting; ten percent 123456.75; owner Administrator");
        Result<RenderedMessage> zh = f.notify().Preview("admin", stored[1], "Opportunity", 1);
        REQUIRE(zh.ok());
        CHECK(zh->subject == "Big Deal 将于 2026年12月15日 结束");
        CHECK(zh->text == "¥1,234,567.50，初步接洽");
    }

    TEST_CASE("the preview never renders a field the viewer cannot read") {
        NotifyFixture f;
        NotificationTemplate t =
            Deal("en", "{{Opportunity.Name}}: [{{Opportunity.Amount}}] [{{=Amount * 2}}]");
        Result<RenderedMessage> admin = f.notify().Preview("admin", t, "Opportunity", 1);
        REQUIRE(admin.ok());
        CHECK(admin->subject == "Big Deal: [¥1,234,567.50] [2469135]");
        Result<RenderedMessage> rex = f.notify().Preview("rex", t, "Opportunity", 1);
        REQUIRE(rex.ok());
        CHECK(rex->subject == "Big Deal: [] []");
        // The same through the command, as rex.
        json r = f.Run("notify.templates.preview",
                       {{"type", "close_date_approaching"},
                        {"subject", "{{Opportunity.Amount}}!"},
                        {"object", "Opportunity"},
                        {"id", 1}},
                       "rex");
        REQUIRE(r["ok"] == true);
        CHECK(r["result"]["subject"] == "!");
    }

    TEST_CASE("merge values are escaped in the HTML body only") {
        NotifyFixture f;
        REQUIRE(f.Run("records.update",
                      {{"object", "Opportunity"}, {"id", 1}, {"values", {{"Name", "A<b>&C"}}}})["ok"] ==
                true);
        NotificationTemplate t = Deal("en", "{{Opportunity.Name}}");
        t.html = "<p>{{Opportunity.Name}}</p>";
        Result<RenderedMessage> m = f.notify().Preview("admin", t, "Opportunity", 1);
        REQUIRE(m.ok());
        CHECK(m->subject == "A<b>&C");
        CHECK(m->html == "<p>A&lt;b&gt;&amp;C</p>");
    }

    TEST_CASE("templates need Manage Workflows and are audited") {
        NotifyFixture f;
        Result<NotificationTemplate> denied = f.notify().SaveTemplate("rex", Deal("en", "Hi"));
        REQUIRE_FALSE(denied.ok());
        CHECK(denied.error().code == "access.denied");
        json r = f.Run("notify.templates.save",
                       {{"type", "close_date_approaching"}, {"subject", "{{Bad.Field}}"}});
        CHECK(r["ok"] == false);
        CHECK(r["error"]["position"] == 1);
        CHECK(r["error"]["message_zh"].get<std::string>().find("合并字段") != std::string::npos);
        r = f.Run("notify.templates.save", {{"type", "close_date_approaching"}, {"subject", "Closing soon"}});
        CHECK(r["ok"] == true);
    }

    TEST_CASE("money and dates in the company profile's formats") {
        CHECK(FormatMoney(1234567.5, "CNY") == "¥1,234,567.50");
        CHECK(FormatMoney(-12, "USD") == "-$12.00");
        CHECK(FormatMoney(999.999, "EUR") == "€1,000.00");
        CHECK(FormatMoney(5, "CHF", 0) == "CHF 5");
        CHECK(FormatMoney(1000, "HKD") == "HK$1,000.00");
        const int64_t day = formula::DaysFromCivil(2026, 3, 5);
        CHECK(FormatDateAs(day, "YYYY-MM-DD") == "2026-03-05");
        CHECK(FormatDateAs(day, "DD/MM/YYYY") == "05/03/2026");
        CHECK(FormatDateAs(day, "YYYY年M月D日") == "2026年3月5日");
    }

    TEST_CASE("custom types are created, changed and deleted; built-in ones stay") {
        NotifyFixture f;
        json r = f.Run("notify.types.save", {{"code", "custom_big_deal"},
                                             {"label", "Big deal"},
                                             {"object", "Opportunity"},
                                             {"priority", "urgent"}});
        REQUIRE(r["ok"] == true);
        CHECK(f.notify().GetType("custom_big_deal")->priority == "urgent");
        CHECK(f.Run("notify.types.save", {{"code", "Big Deal"}, {"label", "x"}})["ok"] == false);
        CHECK(f.Run("notify.types.save",
                    {{"code", "custom_x"}, {"label", "x"}, {"priority", "loud"}})["ok"] == false);
        CHECK(f.Run("notify.types.save", {{"code", "custom_big_deal"}, {"label", "x"}}, "rex")["ok"] ==
              false);
        NotificationTemplate t = Deal("en", "{{Opportunity.Name}} is big");
        t.type = "custom_big_deal";
        REQUIRE(f.notify().SaveTemplate("admin", t).ok());
        CHECK(f.Run("notify.types.delete", {{"code", "task_due"}})["ok"] == false);
        CHECK(f.Run("notify.types.delete", {{"code", "custom_big_deal"}})["ok"] == true);
        CHECK(f.notify().Templates("custom_big_deal").empty());
        // A built-in type keeps its code and object but may change its priority.
        r = f.Run("notify.types.save", {{"code", "task_due"}, {"priority", "urgent"}, {"object", "Account"}});
        REQUIRE(r["ok"] == true);
        CHECK(r["result"]["object"] == "");
        CHECK(r["result"]["priority"] == "urgent");
    }
}
