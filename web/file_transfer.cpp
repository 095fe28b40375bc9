// The browser side of ui/data/file_transfer.h: a file the core wrote into the module's in-memory file
// system is handed to the user as a download (a Blob and an <a download>), and a file the user picks with
// an <input type=file> is copied into it (then crm_web_file_picked tells the console). Every download is
// also listed in window.__crm_downloads ({name, bytes}) for the tests.
#include "ui/data/file_transfer.h"

#include <emscripten.h>

#include <cstdlib>
#include <string>

// [SECTION] JavaScript glue (not clang-formatted: the bodies are JavaScript)
// clang-format off

EM_JS(void, crm_js_download, (const char* path, const char* name, const char* mime), {
    var file = UTF8ToString(path), filename = UTF8ToString(name), type = UTF8ToString(mime);
    try {
        var data = FS.readFile(file);
        var url = URL.createObjectURL(new Blob([data], {type: type || 'application/octet-stream'}));
        var a = document.createElement('a');
        a.href = url;
        a.download = filename;
        a.style.display = 'none';
        document.body.appendChild(a);
        a.click();
        setTimeout(function() { URL.revokeObjectURL(url); a.remove(); }, 60000);
        window.__crm_downloads = (window.__crm_downloads || []).concat([{name: filename, bytes: data.length}]);
    } catch (e) {
        console.error('download of ' + file + ' failed: ' + e);
    }
});

EM_JS(void, crm_js_pick_file, (const char* accept, const char* dir), {
    var folder = UTF8ToString(dir);
    var input = document.getElementById('crm-file-input');
    if (!input) {
        input = document.createElement('input');
        input.type = 'file';
        input.id = 'crm-file-input';
        input.style.display = 'none';
        document.body.appendChild(input);
    }
    input.accept = UTF8ToString(accept);
    input.value = "";
    var report = function(path, name, bytes, error) {
        Module.ccall('crm_web_file_picked', null, ['string', 'string', 'number', 'string'], [path, name, bytes, error]);
    };
    input.onchange = function() {
        var file = input.files && input.files[0];
        if (!file) return;
        file.arrayBuffer().then(function(buffer) {
            try { FS.mkdirTree(folder); } catch (e) {}
            // The name without path separators (a slash or a backslash).
            var safe = file.name.split('/').join('_').split(String.fromCharCode(92)).join('_') || 'file';
            var path = folder + '/' + safe;
            FS.writeFile(path, new Uint8Array(buffer));
            report(path, file.name, buffer.byteLength, "");
        }).catch(function(e) { report("", file.name, 0, String((e && e.message) || e)); });
    };
    input.click();
});

// A file dropped anywhere on the page goes the way of a picked one (the browser would otherwise open it in
// place of the console). Once.
EM_JS(void, crm_js_accept_drops, (const char* dir), {
    if (window.__crm_drops) return;
    window.__crm_drops = true;
    var folder = UTF8ToString(dir);
    window.addEventListener("dragover", function(e) { e.preventDefault(); });
    window.addEventListener("drop", function(e) {
        e.preventDefault();
        var file = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
        if (!file) return;
        file.arrayBuffer().then(function(buffer) {
            try { FS.mkdirTree(folder); } catch (err) {}
            var safe = file.name.split("/").join("_").split(String.fromCharCode(92)).join("_") || "file";
            FS.writeFile(folder + "/" + safe, new Uint8Array(buffer));
            Module.ccall("crm_web_file_picked", null, ["string", "string", "number", "string"],
                         [folder + "/" + safe, file.name, buffer.byteLength, ""]);
        });
    });
});

// clang-format on

namespace crm::ui {

namespace {
std::optional<PickedFile> g_picked;
}

bool FilesThroughBrowser() { return true; }
std::string TransferDir() { return "/tmp/crm-files"; }

void OfferDownload(const std::string& path, const std::string& name, const std::string& mime) {
    crm_js_download(path.c_str(), name.c_str(), mime.c_str());
}

void PickFile(const std::string& accept) { crm_js_pick_file(accept.c_str(), TransferDir().c_str()); }

void AcceptDroppedFiles() { crm_js_accept_drops(TransferDir().c_str()); }

std::optional<PickedFile> TakePickedFile() {
    std::optional<PickedFile> picked = std::move(g_picked);
    g_picked.reset();
    return picked;
}

}  // namespace crm::ui

extern "C" {

/// A file the user picked was copied to `path` (or could not be read: `error`).
EMSCRIPTEN_KEEPALIVE void crm_web_file_picked(const char* path, const char* name, double bytes,
                                              const char* error) {
    crm::ui::PickedFile file;
    file.path = path ? path : "";
    file.name = name ? name : "";
    file.bytes = static_cast<int64_t>(bytes);
    file.error = error ? error : "";
    crm::ui::g_picked = std::move(file);
}

}  // extern "C"
