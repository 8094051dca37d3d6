import Mustache

/// The console's Mustache templates. `{{x}}` escapes HTML, so filenames, notes and metadata
/// render inert; `{{{body}}}` is used only for HTML the console rendered itself.
enum ConsoleTemplates {
    static let sources: [String: String] = [
        "layout": """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>{{title}} · Vigil review</title>
        <link rel="stylesheet" href="/console/static/console.css"></head>
        <body><header><strong>Vigil review</strong>
        {{#user}}<nav><a href="/console/queue">Queue</a> <a href="/console/cases">Cases</a> <a href="/console/reports">Reports</a> <a href="/console/takedowns">Takedowns</a>
        {{#lead}}<a href="/console/exposure">Exposure</a> <a href="/console/audit">Audit</a>{{/lead}}
        {{#admin}}<a href="/console/users">Users</a>{{/admin}}
        <span id="who">{{name}} ({{role}}) · reveals today: <span id="exposure">{{exposure}}</span>/{{cap}}</span>
        <form method="post" action="/console/logout" class="inline"><input type="hidden" name="csrf" value="{{csrf}}">
        <button>Log out</button></form></nav>{{/user}}</header>
        {{#breakPrompt}}<p class="break" id="break">You have revealed {{exposure}} items today. Please take a break.</p>{{/breakPrompt}}
        {{#message}}<p class="message" id="message">{{message}}</p>{{/message}}
        <main>{{{body}}}</main></body></html>
        """,
        "login": """
        <h1>Log in</h1>
        <form method="post" action="/console/login">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label>Name <input name="name" autocomplete="username" required></label>
        <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
        <button id="login">Log in</button></form>
        """,
        "queue": """
        <h1>Review queue</h1>
        <table id="queue"><tr><th>Item</th><th>Category</th><th>Confidence</th><th>Verdict</th><th>Status</th><th>Claimed by</th><th>Age</th></tr>
        {{#items}}<tr><td><a class="item" href="/console/items/{{id}}">{{short}}</a></td><td>{{category}}</td><td>{{confidence}}</td>
        <td>{{verdict}}</td><td>{{status}}</td><td>{{claimedBy}}</td><td>{{createdAt}}</td></tr>{{/items}}
        </table>{{^items}}<p>The queue is empty.</p>{{/items}}
        """,
        "item": """
        <h1>Item {{id}}</h1>
        <div class="columns"><div class="media">
        {{^video}}<img id="preview" class="{{previewClass}}" src="/console/items/{{id}}/preview" alt="preview ({{previewClass}})" width="256">{{/video}}
        {{#video}}<p>Video: greyscale stills first; playback is muted and only after a reveal.</p>
        <img id="preview" class="{{previewClass}} stills" src="/console/items/{{id}}/preview" alt="video stills ({{previewClass}})">{{/video}}
        {{^revealed}}<form method="post" action="/console/items/{{id}}/reveal"><input type="hidden" name="csrf" value="{{csrf}}">
        <button id="reveal">Reveal (counts toward your daily exposure)</button></form>{{/revealed}}
        {{#video}}{{#revealed}}{{^playing}}<form method="post" action="/console/items/{{id}}/play"><input type="hidden" name="csrf" value="{{csrf}}">
        <button id="play">Play video, muted (counts toward your daily exposure)</button></form>{{/playing}}
        {{#playing}}<video id="player" src="/console/items/{{id}}/video" muted controls preload="none" width="320"></video>{{/playing}}{{/revealed}}{{/video}}
        </div><div class="signals">
        <dl><dt>File</dt><dd id="filename">{{filename}}</dd><dt>Verdict</dt><dd>{{verdict}}</dd>
        <dt>Category</dt><dd>{{category}}</dd><dt>Status</dt><dd id="status">{{status}}</dd>
        <dt>Claimed by</dt><dd id="claimed">{{claimedBy}}</dd><dt>Case</dt><dd>{{caseID}}</dd></dl>
        <h2>Matches</h2>{{^matches}}<p>No hash matches.</p>{{/matches}}
        <table id="matches"><tr><th>Type</th><th>Bank</th><th>Hash</th><th>Distance</th><th>Label</th><th></th></tr>
        {{#matches}}<tr><td>{{type}}</td><td class="bank">{{bank}}</td><td>{{kind}}</td><td class="distance">{{distance}}</td><td class="label">{{label}}</td><td>{{suppressed}}</td></tr>{{/matches}}
        </table>
        <h2>Provenance</h2>{{#syntheticVerdict}}<p id="synthetic">Synthetic media: <strong>{{syntheticVerdict}}</strong></p>{{/syntheticVerdict}}
        <table id="c2pa"><tr><th colspan="2">C2PA content credentials</th></tr>{{#c2pa}}<tr><td>{{field}}</td><td>{{value}}</td></tr>{{/c2pa}}
        {{^c2pa}}<tr><td colspan="2">none</td></tr>{{/c2pa}}</table>
        <table id="metadata"><tr><th colspan="2">Metadata (XMP, EXIF, generator)</th></tr>{{#metadata}}<tr><td>{{field}}</td><td>{{value}}</td></tr>{{/metadata}}
        {{^metadata}}<tr><td colspan="2">none</td></tr>{{/metadata}}</table>
        <table id="watermarks"><tr><th>Watermark</th><th>Method</th><th>Bits agreeing</th><th>p</th><th>Detected</th></tr>
        {{#watermarks}}<tr><td>{{name}}</td><td>{{method}}</td><td>{{agreement}}</td><td>{{p}}</td><td>{{detected}}</td></tr>{{/watermarks}}
        {{^watermarks}}<tr><td colspan="5">none detected</td></tr>{{/watermarks}}</table>
        {{#hasEvidence}}<table id="evidence"><tr><th>Evidence</th><th>Strength</th><th>Detail</th></tr>
        {{#synthetic}}<tr><td>{{kind}}</td><td>{{strength}}</td><td>{{detail}}</td></tr>{{/synthetic}}</table>{{/hasEvidence}}
        {{#otherSignals}}<pre class="raw">{{.}}</pre>{{/otherSignals}}
        {{#open}}
        <form method="post" action="/console/items/{{id}}/claim"><input type="hidden" name="csrf" value="{{csrf}}"><button id="claim">Claim</button></form>
        <form method="post" action="/console/items/{{id}}/release"><input type="hidden" name="csrf" value="{{csrf}}"><button>Release</button></form>
        <form method="post" action="/console/items/{{id}}/decide"><input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="action" value="confirm">
        <select name="category" id="category">{{#categories}}<option>{{.}}</option>{{/categories}}</select>
        <button id="confirm">Confirm</button></form>
        <form method="post" action="/console/items/{{id}}/decide"><input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="action" value="false_positive">
        <label>Negative bank (optional) <input name="negative_bank"></label><button id="false-positive">False positive</button></form>
        <form method="post" action="/console/items/{{id}}/decide"><input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="action" value="escalate"><button id="escalate">Escalate</button></form>
        {{/open}}
        {{#confirmed}}<form method="post" action="/console/reports"><input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="items" value="{{id}}"><button id="draft-report">Draft CyberTipline report</button></form>{{/confirmed}}
        {{#lead}}<form method="post" action="/console/items/{{id}}/export"><input type="hidden" name="csrf" value="{{csrf}}">
        <button id="export">Export evidence (audited)</button></form>
        <form method="post" action="/console/items/{{id}}/hold"><input type="hidden" name="csrf" value="{{csrf}}">
        <select name="held"><option value="1">Place legal hold</option><option value="0">Lift legal hold</option></select>
        <button id="hold">Apply</button></form>{{/lead}}
        </div></div>
        """,
        "cases": """
        <h1>Cases</h1>
        <table id="cases"><tr><th>Case</th><th>Kind</th><th>Status</th><th>Opened</th></tr>
        {{#cases}}<tr><td><a href="/console/cases/{{id}}">{{title}}</a></td><td>{{kind}}</td><td>{{status}}</td><td>{{createdAt}}</td></tr>{{/cases}}
        </table>
        {{#lead}}<h2>Open a case</h2><form method="post" action="/console/cases"><input type="hidden" name="csrf" value="{{csrf}}">
        <label>Title <input name="title" required></label>
        <select name="kind"><option>uploader</option><option>account</option><option>incident</option></select>
        <button>Open</button></form>{{/lead}}
        """,
        "case": """
        <h1>Case: {{title}}</h1><p>{{kind}} · {{status}}</p>
        <h2>Items</h2><ul>{{#items}}<li><a href="/console/items/{{id}}">{{short}}</a> {{status}}</li>{{/items}}</ul>
        <h2>Notes</h2><ul id="notes">{{#notes}}<li><strong>{{author}}</strong> {{createdAt}}: {{body}}</li>{{/notes}}</ul>
        <form method="post" action="/console/cases/{{id}}/notes"><input type="hidden" name="csrf" value="{{csrf}}">
        <textarea name="body" required></textarea><button>Add note</button></form>
        <form method="post" action="/console/reports"><input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="case" value="{{id}}"><button id="draft-case-report">Draft CyberTipline report of confirmed items</button></form>
        {{#lead}}<form method="post" action="/console/cases/{{id}}/status"><input type="hidden" name="csrf" value="{{csrf}}">
        <select name="status"><option>open</option><option>reported</option><option>closed</option></select><button>Set status</button></form>
        <form method="post" action="/console/cases/{{id}}/items"><input type="hidden" name="csrf" value="{{csrf}}">
        <label>Item id <input name="item" required></label><button>Add item</button></form>
        <form method="post" action="/console/cases/{{id}}/members"><input type="hidden" name="csrf" value="{{csrf}}">
        <label>Analyst <input name="user" required></label><button>Add member</button></form>{{/lead}}
        """,
        "exposure": """
        <h1>Exposure (last 14 days)</h1>
        <table id="exposure-stats"><tr><th>Analyst</th><th>Day</th><th>Reveals</th></tr>
        {{#stats}}<tr><td>{{user}}</td><td>{{day}}</td><td>{{reveals}}</td></tr>{{/stats}}</table>
        """,
        "users": """
        <h1>Users</h1>
        <table id="users"><tr><th>Name</th><th>Role</th><th>State</th><th>Failed logins</th><th>Created</th><th>Actions</th></tr>
        {{#users}}<tr id="user-{{name}}"><td>{{name}}</td><td>{{role}}</td>
        <td>{{#disabled}}disabled{{/disabled}}{{^disabled}}active{{/disabled}}{{#locked}}, locked{{/locked}}</td>
        <td>{{failures}}</td><td>{{createdAt}}</td><td>
        {{^me}}{{^disabled}}<form method="post" action="/console/users/{{name}}/disable" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button class="disable">Disable</button></form>{{/disabled}}{{/me}}
        {{#disabled}}<form method="post" action="/console/users/{{name}}/enable" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button class="enable">Enable</button></form>{{/disabled}}
        {{#locked}}<form method="post" action="/console/users/{{name}}/unlock" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button class="unlock">Unlock</button></form>{{/locked}}
        <form method="post" action="/console/users/{{name}}/password" class="inline"><input type="hidden" name="csrf" value="{{csrf}}">
        <input name="password" type="password" autocomplete="new-password" minlength="12" required placeholder="new password"><button class="reset">Reset password</button></form>
        </td></tr>{{/users}}</table>
        <h2>Create a user</h2>
        <form method="post" action="/console/users"><input type="hidden" name="csrf" value="{{csrf}}">
        <label>Name <input name="name" required></label>
        <label>Role <select name="role">{{#roles}}<option>{{.}}</option>{{/roles}}</select></label>
        <label>Password <input name="password" type="password" autocomplete="new-password" minlength="12" required></label>
        <button id="create-user">Create</button></form>
        """,
        "audit": """
        <h1>Audit log</h1>
        {{#intact}}<p id="verify" class="ok">Chain verified: {{entries}} entries intact; head {{head}}.</p>{{/intact}}
        {{^intact}}<p id="verify" class="bad">Chain broken at entry {{firstBad}}: {{problem}} ({{entries}} entries read).</p>{{/intact}}
        <table id="audit"><tr><th>#</th><th>When</th><th>Who</th><th>Action</th><th>Subject</th><th>Detail</th></tr>
        {{#rows}}<tr><td>{{seq}}</td><td>{{at}}</td><td class="actor">{{actor}}</td><td class="action">{{action}}</td>
        <td class="subject">{{subject}}</td><td>{{detail}}</td></tr>{{/rows}}</table>
        {{#older}}<p><a href="/console/audit?before={{older}}">Older entries</a></p>{{/older}}
        """,
        "error": "<h1>{{title}}</h1><p id='error'>{{text}}</p>",
    ]

    static let css = """
        body{font-family:sans-serif;margin:0;background:#f4f4f4;color:#222}
        header{background:#2b3440;color:#fff;padding:.5em 1em}header a{color:#fff;margin-right:1em}
        main{padding:1em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em}
        .columns{display:flex;gap:2em}.media img{image-rendering:auto;background:#888}
        .break{background:#ffe9a8;padding:.5em 1em}.message{background:#dde;padding:.5em 1em}
        .signals table{margin:.4em 0}.raw{white-space:pre-wrap;word-break:break-all;max-width:40em}
        .ok{background:#dfd;padding:.5em 1em}.bad{background:#fdd;padding:.5em 1em}
        form{margin:.4em 0}form.inline{display:inline}
        """

    static func library() throws -> MustacheLibrary {
        var templates: [String: MustacheTemplate] = [:]
        for (name, source) in sources.merging(TakedownTemplates.sources, uniquingKeysWith: { a, _ in a })
            .merging(ReportTemplates.sources, uniquingKeysWith: { a, _ in a })
        {
            templates[name] = try MustacheTemplate(string: source)
        }
        return MustacheLibrary(templates: templates)
    }
}
