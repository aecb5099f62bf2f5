/* The validation state of tables, followed without a reload: while a table on
 * the page is queued, ask the side-effect-free action oit_records_state_show
 * (the container's data-oit-state-url) every few seconds and put the new state
 * in place. Every word comes from the page (data-text-* / data-label-* /
 * data-detail-* attributes rendered in its language); the problems' messages
 * come from the action in both languages and the page's data-lang picks one. */
(function () {
  'use strict';
  var BADGES = {loaded: 'bg-success', invalid: 'bg-danger', failed: 'bg-danger',
                queued: 'bg-info text-dark', not_validated: 'bg-warning text-dark'};
  var COUNTED = {loaded: 'row_count', invalid: 'problem_count', failed: 'problem_count'};
  var FIRST_DELAY = 2000, LONGEST_DELAY = 15000, GIVE_UP_AFTER = 30 * 60 * 1000;

  function count(table) {
    var key = COUNTED[table.status];
    return key ? (table[key] || 0) : 0;
  }

  // the words for a state: data-<prefix>-<status>, or its -one/-other forms with {num}
  function words(holder, prefix, status, n) {
    var base = prefix + '-' + status, text;
    if (holder.hasAttribute('data-' + base + '-one')) {
      text = holder.getAttribute('data-' + base + (n === 1 ? '-one' : '-other'));
    } else {
      text = holder.getAttribute('data-' + base);
    }
    return text === null ? null : text.split('{num}').join(String(n));
  }

  function badge(element, status) {
    Object.keys(BADGES).forEach(function (key) {
      BADGES[key].split(' ').forEach(function (name) { element.classList.remove(name); });
    });
    BADGES[status].split(' ').forEach(function (name) { element.classList.add(name); });
  }

  function cell(row, text) {
    var td = document.createElement('td');
    td.textContent = text === null || text === undefined ? '' : String(text);
    row.appendChild(td);
  }

  function showFull(section, table) {
    var n = count(table);
    var label = section.querySelector('.oit-state-label');
    if (label) {
      label.textContent = words(section, 'label', table.status, n) || table.status;
    }
    var detail = section.querySelector('.oit-state-detail');
    if (detail) {
      detail.textContent = words(section, 'detail', table.status, n) || '';
    }
    var empty = section.querySelector('.oit-state-empty');
    if (empty) {
      // a period stated to have nothing (a month without procurement): the action says it in both languages
      var stated = table.empty_period;
      var inEnglish = (section.getAttribute('data-lang') || '') === 'en';
      empty.textContent = stated ? (inEnglish ? stated.message_en : stated.message_th) : '';
      empty.hidden = !stated;
    }
    var kept = section.querySelector('.oit-state-kept');
    if (kept) {
      var keep = table.status !== 'loaded' && table.row_count !== null && table.row_count !== undefined;
      kept.textContent = keep ? words(section, 'kept', 'rows', table.row_count) : '';
      kept.hidden = !keep;
    }
    var problems = section.querySelector('.oit-problems');
    if (problems) {
      var body = problems.querySelector('tbody');
      var english = (section.getAttribute('data-lang') || '') === 'en';
      body.textContent = '';
      (table.problems || []).forEach(function (problem) {
        var row = document.createElement('tr');
        cell(row, problem.row);
        cell(row, problem.column);
        cell(row, problem.value);
        cell(row, english ? problem.message_en : problem.message_th);
        body.appendChild(row);
      });
      problems.hidden = !(table.problems && table.problems.length);
    }
    var warnings = section.querySelector('.oit-records-warnings');
    if (warnings) {
      // what the file lacks (a column of the official form): never blocking
      var list = warnings.querySelector('ul');
      var inThai = (section.getAttribute('data-lang') || '') !== 'en';
      list.textContent = '';
      (table.warnings || []).forEach(function (warning) {
        var item = document.createElement('li');
        item.textContent = inThai ? warning.message_th : warning.message_en;
        list.appendChild(item);
      });
      warnings.hidden = !(table.warnings && table.warnings.length);
    }
    section.querySelectorAll('[data-oit-when-not-validated]').forEach(function (part) {
      part.hidden = table.status !== 'not_validated';
    });
  }

  function show(holder, table) {
    var id = table.resource_id, text = words(holder, 'text', table.status, count(table));
    document.querySelectorAll('[data-oit-table="' + id + '"]').forEach(function (item) {
      item.setAttribute('data-status', table.status);
      var shown = item.querySelector('.oit-table-state-text');
      if (shown && text !== null) {
        shown.textContent = text;
        badge(shown, table.status);
      }
    });
    document.querySelectorAll('[data-oit-full-state="' + id + '"]').forEach(function (section) {
      section.setAttribute('data-status', table.status);
      showFull(section, table);
    });
    if (table.status === 'loaded') {
      // a valid table needs no confirmation: the "anyway" box goes once none is left
      document.querySelectorAll('[data-oit-doubt="' + id + '"]').forEach(function (item) {
        var block = item.closest('.oit-table-doubts');
        item.remove();
        if (block && !block.querySelector('[data-oit-doubt]')) {
          block.remove();
        }
      });
    }
  }

  function queued(holder) {
    return holder.querySelector('[data-status="queued"]') !== null ||
      holder.getAttribute('data-status') === 'queued';
  }

  function follow(holder) {
    var started = Date.now(), delay = FIRST_DELAY;

    function ask() {
      if (Date.now() - started > GIVE_UP_AFTER) {
        return;
      }
      if (document.hidden) {  // nobody is looking: ask when the page is seen again
        document.addEventListener('visibilitychange', function again() {
          document.removeEventListener('visibilitychange', again);
          ask();
        });
        return;
      }
      fetch(holder.getAttribute('data-oit-state-url'), {credentials: 'same-origin',
                                                        headers: {Accept: 'application/json'}})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (answer) {
          if (!answer || !answer.success) {
            return;  // refused or gone: leave the page as it is
          }
          answer.result.tables.forEach(function (table) { show(holder, table); });
          if (queued(holder)) {
            delay = Math.min(delay * 1.5, LONGEST_DELAY);
            window.setTimeout(ask, delay);
          }
        })
        .catch(function () {
          delay = Math.min(delay * 2, LONGEST_DELAY);
          window.setTimeout(ask, delay);
        });
    }
    window.setTimeout(ask, delay);
  }

  function start() {
    document.querySelectorAll('[data-oit-state-url]').forEach(function (holder) {
      if (queued(holder)) {
        follow(holder);
      }
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
